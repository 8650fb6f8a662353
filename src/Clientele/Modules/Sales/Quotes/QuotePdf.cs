using System.Globalization;
using Clientele.Modules.Billing.Pdf;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>
/// The quote as a PDF (PDFsharp with the invoice's embedded font): seller and buyer, number, dates,
/// the lines with their discounts, the total, and ACCEPTED / EXPIRED / DECLINED across the page.
/// </summary>
public static class QuotePdf
{
    public static string FileName(QuoteDocument q) => $"{q.Number ?? "quote-draft-" + q.Id.ToString()[..8]}.pdf";

    private static string Money(decimal v, string currency) => v.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency;
    private static string Date(DateTime? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    public static byte[] Render(QuoteDocument q)
    {
        InvoiceFonts.EnsureInstalled();
        var doc = new PdfDocument();
        doc.Info.Title = $"Quote {q.Number ?? "(draft)"}";
        var title = new XFont(InvoiceFonts.Family, 20, XFontStyleEx.Bold);
        var bold = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Bold);
        var font = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Regular);
        const double left = 50, right = 545, row = 16;
        XGraphics gfx = null!;
        PdfPage page = null!;
        double y = 0;
        void NewPage()
        {
            gfx?.Dispose();
            page = doc.AddPage();
            page.Size = PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            Stamp(gfx, page, q.Status);
            y = 50;
        }
        void Text(string text, XFont f, double x, double width, XStringFormat align) => gfx.DrawString(text, f, XBrushes.Black, new XRect(x, y, width, row), align);

        NewPage();
        gfx.DrawString("QUOTE", title, XBrushes.Black, new XRect(left, y, 300, 28), XStringFormats.TopLeft);
        Text(q.Number ?? "Draft", bold, 300, right - 300, XStringFormats.TopRight);
        y += 36;
        Text("From", bold, left, 240, XStringFormats.TopLeft);
        Text("For", bold, 300, 245, XStringFormats.TopLeft);
        y += row;
        var buyer = new[] { q.BuyerCompany, q.BuyerName, q.BuyerEmail }.Where(x => !string.IsNullOrWhiteSpace(x)).Distinct().ToList();
        if (buyer.Count == 0) buyer.Add("-");
        Text(q.Organization, font, left, 240, XStringFormats.TopLeft);
        foreach (var b in buyer) { Text(b!, font, 300, 245, XStringFormats.TopLeft); y += row; }
        y += row;
        foreach (var (label, value) in new[] { ("Status", q.Status), ("Date", Date(q.CreatedAt)), ("Valid until", Date(q.ValidUntil)), ("Accepted", Date(q.AcceptedAt)) })
        {
            Text(label, bold, left, 80, XStringFormats.TopLeft);
            Text(value, font, left + 80, 200, XStringFormats.TopLeft);
            y += row;
        }
        if (q.DealName is not null) { Text("Deal", bold, left, 80, XStringFormats.TopLeft); Text(q.DealName, font, left + 80, 400, XStringFormats.TopLeft); y += row; }
        y += row;
        void Header()
        {
            Text("Description", bold, left, 230, XStringFormats.TopLeft);
            Text("Quantity", bold, 280, 55, XStringFormats.TopRight);
            Text("Unit price", bold, 340, 70, XStringFormats.TopRight);
            Text("Discount", bold, 415, 50, XStringFormats.TopRight);
            Text("Amount", bold, 470, right - 470, XStringFormats.TopRight);
            y += row;
            gfx.DrawLine(XPens.Black, left, y, right, y);
            y += 4;
        }
        Header();
        foreach (var l in q.Lines)
        {
            if (y > 760) { NewPage(); Header(); }
            Text(l.Description.Length > 44 ? l.Description[..43] + "…" : l.Description, font, left, 230, XStringFormats.TopLeft);
            Text(l.Quantity.ToString("0.####", CultureInfo.InvariantCulture), font, 280, 55, XStringFormats.TopRight);
            Text(l.UnitPrice.ToString("#,##0.00", CultureInfo.InvariantCulture), font, 340, 70, XStringFormats.TopRight);
            Text(l.Discount == 0 ? "-" : l.Discount.ToString("0.##", CultureInfo.InvariantCulture) + "%", font, 415, 50, XStringFormats.TopRight);
            Text(Money(l.Amount, q.Currency), font, 470, right - 470, XStringFormats.TopRight);
            y += row;
        }
        if (y > 740) NewPage();
        gfx.DrawLine(XPens.Black, 340, y + 2, right, y + 2);
        y += 8;
        Text("Total", bold, 340, 120, XStringFormats.TopLeft);
        Text(Money(q.Total, q.Currency), bold, 470, right - 470, XStringFormats.TopRight);
        gfx.Dispose();
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }

    private static void Stamp(XGraphics gfx, PdfPage page, string status)
    {
        if (status is not ("accepted" or "expired" or "declined")) return;
        var state = gfx.Save();
        var center = new XPoint(page.Width.Point / 2, page.Height.Point / 2);
        gfx.RotateAtTransform(-35, center);
        var f = new XFont(InvoiceFonts.Family, 90, XFontStyleEx.Bold);
        var color = status == "accepted" ? XColor.FromArgb(60, 0, 140, 60) : XColor.FromArgb(60, 200, 0, 0);
        gfx.DrawString(status.ToUpperInvariant(), f, new XSolidBrush(color), new XRect(0, center.Y - 60, page.Width.Point, 120), XStringFormats.Center);
        gfx.Restore(state);
    }
}
