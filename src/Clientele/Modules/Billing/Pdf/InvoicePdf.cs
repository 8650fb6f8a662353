using System.Globalization;
using Clientele.Platform.Database;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Clientele.Modules.Billing.Pdf;

/// <summary>
/// The invoice as a PDF (PDFsharp): both parties, number and dates, the lines (credits applied
/// as negative lines), totals with what is paid and due, and a PAID / VOID watermark.
/// </summary>
public static class InvoicePdf
{
    private sealed record Header(string? InvoiceNumber, string Status, string Currency, decimal Subtotal, decimal CreditsApplied, decimal Amount,
        decimal AmountPaid, DateTime? IssuedAt, DateTime? DueAt, DateTime? PaidAt, string OrgName, string CustomerEmail, string? CustomerName, string? CompanyName);

    private sealed record Line(string Kind, string Description, decimal Quantity, decimal UnitPrice, decimal Amount);

    public sealed record Rendered(byte[] Bytes, string FileName);

    public static async Task<Rendered?> RenderAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var h = await s.QueryFirstOrDefaultAsync<Header>("""
            SELECT i.invoice_number, i.status, i.currency, i.subtotal, i.credits_applied, i.amount, i.amount_paid, i.issued_at, i.due_at, i.paid_at,
                   o.name AS org_name, c.email AS customer_email, c.name AS customer_name, c.company_name
            FROM invoices i JOIN customers c ON c.organization_id = i.organization_id AND c.id = i.customer_id
                 JOIN organizations o ON o.id = i.organization_id
            WHERE i.organization_id = @org AND i.id = @id AND i.deleted_at IS NULL
            """, new { org = s.OrganizationId, id }, ct);
        if (h is null) return null;
        var lines = (await s.QueryAsync<Line>("""
            SELECT kind, description, quantity, unit_price, amount FROM invoice_lines WHERE organization_id = @org AND invoice_id = @id
            ORDER BY CASE WHEN kind = 'credit' THEN 1 ELSE 0 END, created_at, id
            """, new { org = s.OrganizationId, id }, ct)).ToList();
        return new Rendered(Draw(h, lines), $"{h.InvoiceNumber ?? "draft-" + id.ToString()[..8]}.pdf");
    }

    private static string Money(decimal v, string currency) => v.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency;
    private static string Date(DateTime? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";

    private static byte[] Draw(Header h, List<Line> lines)
    {
        InvoiceFonts.EnsureInstalled();
        var doc = new PdfDocument();
        doc.Info.Title = $"Invoice {h.InvoiceNumber ?? "(draft)"}";
        var title = new XFont(InvoiceFonts.Family, 20, XFontStyleEx.Bold);
        var bold = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Bold);
        var font = new XFont(InvoiceFonts.Family, 10, XFontStyleEx.Regular);
        const double left = 50, right = 545, rowHeight = 16;
        PdfPage page = null!;
        XGraphics gfx = null!;
        double y = 0;
        void NewPage()
        {
            gfx?.Dispose();
            page = doc.AddPage();
            page.Size = PageSize.A4;
            gfx = XGraphics.FromPdfPage(page);
            Watermark(gfx, page, h.Status);
            y = 50;
        }
        void Text(string text, XFont f, double x, double width, XStringFormat align) =>
            gfx.DrawString(text, f, XBrushes.Black, new XRect(x, y, width, rowHeight), align);

        NewPage();
        gfx.DrawString("INVOICE", title, XBrushes.Black, new XRect(left, y, 300, 28), XStringFormats.TopLeft);
        Text(h.InvoiceNumber ?? "Draft", bold, 300, right - 300, XStringFormats.TopRight);
        y += 36;
        Text("From", bold, left, 240, XStringFormats.TopLeft);
        Text("Bill to", bold, 300, 245, XStringFormats.TopLeft);
        y += rowHeight;
        Text(h.OrgName, font, left, 240, XStringFormats.TopLeft);
        Text(h.CompanyName ?? h.CustomerName ?? h.CustomerEmail, font, 300, 245, XStringFormats.TopLeft);
        y += rowHeight;
        if (h.CompanyName is not null && h.CustomerName is not null) { Text(h.CustomerName, font, 300, 245, XStringFormats.TopLeft); y += rowHeight; }
        Text(h.CustomerEmail, font, 300, 245, XStringFormats.TopLeft);
        y += rowHeight * 2;
        foreach (var (label, value) in new[] { ("Status", h.Status), ("Issued", Date(h.IssuedAt)), ("Due", Date(h.DueAt)), ("Paid", Date(h.PaidAt)) })
        {
            Text(label, bold, left, 80, XStringFormats.TopLeft);
            Text(value, font, left + 80, 200, XStringFormats.TopLeft);
            y += rowHeight;
        }
        y += rowHeight;
        void TableHeader()
        {
            Text("Description", bold, left, 270, XStringFormats.TopLeft);
            Text("Quantity", bold, 320, 60, XStringFormats.TopRight);
            Text("Unit price", bold, 385, 75, XStringFormats.TopRight);
            Text("Amount", bold, 465, right - 465, XStringFormats.TopRight);
            y += rowHeight;
            gfx.DrawLine(XPens.Black, left, y, right, y);
            y += 4;
        }
        TableHeader();
        foreach (var l in lines)
        {
            if (y > 760) { NewPage(); TableHeader(); }
            var description = l.Description.Length > 52 ? l.Description[..51] + "…" : l.Description;
            Text(description, font, left, 270, XStringFormats.TopLeft);
            Text(l.Quantity.ToString("0.####", CultureInfo.InvariantCulture), font, 320, 60, XStringFormats.TopRight);
            Text(l.UnitPrice.ToString("#,##0.00##", CultureInfo.InvariantCulture), font, 385, 75, XStringFormats.TopRight);
            Text(Money(l.Amount, h.Currency), font, 465, right - 465, XStringFormats.TopRight);
            y += rowHeight;
        }
        if (y > 700) NewPage();
        gfx.DrawLine(XPens.Black, 320, y + 2, right, y + 2);
        y += 8;
        var due = h.Status is "open" or "uncollectible" ? h.Amount - h.AmountPaid : 0;
        foreach (var (label, value, f) in new[]
                 {
                     ("Subtotal", h.Subtotal, font), ("Credits applied", -h.CreditsApplied, font), ("Total", h.Amount, bold),
                     ("Paid", h.AmountPaid, font), ("Amount due", due, bold),
                 })
        {
            Text(label, f, 320, 140, XStringFormats.TopLeft);
            Text(Money(value, h.Currency), f, 465, right - 465, XStringFormats.TopRight);
            y += rowHeight;
        }
        gfx.Dispose();
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }

    private static void Watermark(XGraphics gfx, PdfPage page, string status)
    {
        if (status is not ("paid" or "void")) return;
        var state = gfx.Save();
        var center = new XPoint(page.Width.Point / 2, page.Height.Point / 2);
        gfx.RotateAtTransform(-35, center);
        var f = new XFont(InvoiceFonts.Family, 110, XFontStyleEx.Bold);
        gfx.DrawString(status.ToUpperInvariant(), f, new XSolidBrush(XColor.FromArgb(60, 200, 0, 0)), new XRect(0, center.Y - 70, page.Width.Point, 140), XStringFormats.Center);
        gfx.Restore(state);
    }
}
