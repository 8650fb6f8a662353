using PdfSharp.Fonts;

namespace Clientele.Modules.Billing.Pdf;

/// <summary>
/// PDFsharp finds no system fonts on Linux: every face resolves to the embedded DejaVu Sans
/// (Bitstream Vera licence, DejaVuSans-LICENSE.txt), bold simulated.
/// </summary>
public sealed class InvoiceFonts : IFontResolver
{
    public const string Family = "DejaVu Sans";
    private static readonly Lazy<byte[]> Regular = new(() =>
    {
        using var s = typeof(InvoiceFonts).Assembly.GetManifestResourceStream("Clientele.Billing.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The embedded invoice font is missing.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    });
    private static readonly Lock Gate = new();

    /// <summary>Installs the resolver once per process (PDFsharp's setting is global).</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is InvoiceFonts) return;
            if (GlobalFontSettings.FontResolver is null) GlobalFontSettings.FontResolver = new InvoiceFonts();
            else GlobalFontSettings.FallbackFontResolver ??= new InvoiceFonts();
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => new("DejaVuSans", isBold, isItalic);

    public byte[]? GetFont(string faceName) => Regular.Value;
}
