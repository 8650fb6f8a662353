using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Pdf;
using Clientele.Platform.Database;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Clientele.Modules.Success.Qbrs;

/// <summary>
/// The QBR deck as a PDF (PDFsharp and the invoice's embedded font): a landscape page per topic
/// drawn from the prepared draft only (qbrs.prepared_data, wins, challenges, action items), so the
/// deck and the console show the same numbers. Until someone reviews the draft every page carries
/// a "DRAFT – NOT REVIEWED" mark.
/// </summary>
public static class QbrDeck
{
    public sealed record Rendered(byte[] Bytes, string FileName);

    private sealed record Row(string Quarter, string? Summary, string? Wins, string? Challenges, string? ActionItems, string? PreparedData, DateTime? ReviewedAt,
        string? ReviewerName, string OrgName);

    public static async Task<Rendered?> RenderAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var row = await s.QueryFirstOrDefaultAsync<Row>("""
            SELECT q.quarter, q.summary, q.wins::text AS wins, q.challenges::text AS challenges, q.action_items::text AS action_items, q.prepared_data::text AS prepared_data,
                   q.reviewed_at, u.name AS reviewer_name, o.name AS org_name
            FROM qbrs q JOIN organizations o ON o.id = q.organization_id
            LEFT JOIN users u ON u.organization_id = q.organization_id AND u.id = q.reviewed_by
            WHERE q.organization_id = @org AND q.id = @id AND q.prepared_at IS NOT NULL
            """, new { org = s.OrganizationId, id }, ct);
        if (row is null) return null;
        var data = JsonNode.Parse(row.PreparedData ?? "{}")!.AsObject();
        var customer = data["customer"]?.GetValue<string>() ?? "Customer";
        var safe = new string(customer.Select(ch => char.IsLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '-').ToArray()).Trim('-');
        return new Rendered(Draw(row, data, customer), $"qbr-{safe}-{row.Quarter.Replace(' ', '-').ToLowerInvariant()}.pdf");
    }

    private static byte[] Draw(Row row, JsonObject d, string customer)
    {
        InvoiceFonts.EnsureInstalled();
        var doc = new PdfDocument();
        doc.Info.Title = $"{customer} – QBR {row.Quarter}";
        var title = new XFont(InvoiceFonts.Family, 26, XFontStyleEx.Bold);
        var heading = new XFont(InvoiceFonts.Family, 18, XFontStyleEx.Bold);
        var bold = new XFont(InvoiceFonts.Family, 11, XFontStyleEx.Bold);
        var font = new XFont(InvoiceFonts.Family, 11, XFontStyleEx.Regular);
        var small = new XFont(InvoiceFonts.Family, 9, XFontStyleEx.Regular);
        const double left = 50;
        XGraphics gfx = null!;
        PdfPage page = null!;
        double y = 0;
        void NewPage(string? head)
        {
            gfx?.Dispose();
            page = doc.AddPage();
            page.Size = PageSize.A4;
            page.Orientation = PageOrientation.Landscape;
            gfx = XGraphics.FromPdfPage(page);
            if (row.ReviewedAt is null) Watermark(gfx, page);
            gfx.DrawString($"{customer} · QBR {row.Quarter}", small, XBrushes.Gray, new XRect(left, 20, 400, 14), XStringFormats.TopLeft);
            y = 50;
            if (head is null) return;
            gfx.DrawString(head, heading, XBrushes.Black, new XRect(left, y, page.Width.Point - 2 * left, 26), XStringFormats.TopLeft);
            y += 40;
        }
        double Width() => page.Width.Point - 2 * left;
        void Line(string text, XFont f, double indent = 0)
        {
            foreach (var part in Wrap(gfx, text, f, Width() - indent))
            {
                gfx.DrawString(part, f, XBrushes.Black, new XRect(left + indent, y, Width() - indent, 16), XStringFormats.TopLeft);
                y += f.Size + 6;
            }
        }
        void Fact(string label, string value)
        {
            gfx.DrawString(label, bold, XBrushes.Black, new XRect(left, y, 260, 16), XStringFormats.TopLeft);
            gfx.DrawString(value, font, XBrushes.Black, new XRect(left + 270, y, Width() - 270, 16), XStringFormats.TopLeft);
            y += 18;
        }

        // 1. Title
        NewPage(null);
        y = 170;
        gfx.DrawString(customer, title, XBrushes.Black, new XRect(left, y, Width(), 34), XStringFormats.TopLeft);
        y += 44;
        Line($"Quarterly business review · {row.Quarter} ({S(d["period_start"])} to {S(d["period_end"])})", heading);
        y += 10;
        Line($"Prepared by {row.OrgName}" + (row.ReviewedAt is { } ra ? $" · reviewed by {row.ReviewerName ?? "a colleague"} on {ra:yyyy-MM-dd}" : " · draft, not reviewed yet"), font);
        y += 10;
        if (row.Summary is { } summary) Line(summary, font);

        // 2. Health and usage, with charts
        NewPage("Health and usage");
        var health = d["health"]?.AsObject();
        Fact("Health now", $"{S(health?["now"])} / 100");
        Fact("At the start of the quarter", S(health?["at_start"]));
        Fact("Lowest · highest in the quarter", $"{S(health?["low"])} · {S(health?["high"])}");
        var usage = d["usage"]?.AsObject();
        Fact("Daily active users (average)", $"{S(usage?["dau_avg"])} (period before: {S(usage?["dau_avg_previous_period"])}, change {S(usage?["dau_change_percent"])}%)");
        Fact("Logins · API calls", $"{S(usage?["logins"])} · {S(usage?["api_calls"])}");
        Fact("Adoption score · features used", $"{S(usage?["adoption_score"])} · {S(usage?["features_used"])}");
        y += 10;
        var chartTop = y;
        var chartWidth = (Width() - 30) / 2;
        LineChart(gfx, "Health score", (health?["points"] as JsonArray ?? []).Select(p => (double)p!["score"]!.GetValue<int>()).ToList(), left, chartTop, chartWidth, 200, 100, small, bold);
        BarChart(gfx, "Weekly average daily active users", (usage?["weekly_dau"] as JsonArray ?? []).Select(p => ((string)p!["week"]!, (double)p["dau"]!.GetValue<decimal>())).ToList(),
            left + chartWidth + 30, chartTop, chartWidth, 200, small, bold);

        // 3. Support, billing and engagement
        NewPage("Support, billing and engagement");
        var support = d["support"]?.AsObject();
        Fact("Conversations · resolved · escalated", $"{S(support?["conversations"])} · {S(support?["resolved"])} · {S(support?["escalated"])}");
        Fact("Resolution rate", $"{S(support?["resolution_rate_percent"])}%");
        Fact("Average sentiment · CSAT", $"{S(support?["sentiment_avg"])} · {S(support?["csat_avg"])}");
        Fact("Open conversations now", S(support?["open_now"]));
        y += 10;
        var billing = d["billing"]?.AsObject();
        Fact("Invoices · invoiced · paid", $"{S(billing?["invoices"])} · {M(billing?["invoiced"])} · {M(billing?["paid"])}");
        Fact("Overdue now", $"{S(billing?["overdue_invoices_now"])} invoices, {M(billing?["overdue_amount_now"])}");
        Fact("Failed payments", S(billing?["failed_payments"]));
        y += 10;
        Fact("Meetings in the quarter", S(d["engagement"]?["meetings"]));
        Fact("NPS", S(d["nps_score"]));
        if (d["renewal"] is JsonObject renewal) Fact("Next renewal", $"{S(renewal["date"])}, {M(renewal["arr"])} ARR, probability {S(renewal["probability"])}%");

        // 4. Wins, challenges, next steps
        NewPage("Wins, challenges and next steps");
        void List(string head, string? json, Func<JsonNode, string> text)
        {
            if (y > page.Height.Point - 90) NewPage("Wins, challenges and next steps (continued)");
            Line(head, bold);
            var items = JsonNode.Parse(json ?? "[]") as JsonArray ?? [];
            if (items.Count == 0) Line("– none", font, 12);
            foreach (var i in items)
            {
                if (y > page.Height.Point - 50) NewPage("Wins, challenges and next steps (continued)");
                Line("• " + text(i!), font, 12);
            }
            y += 8;
        }
        List("Wins", row.Wins, n => n.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString());
        List("Challenges", row.Challenges, n => n.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : n.ToJsonString());
        List("Action items", row.ActionItems, n => n is JsonObject o ? $"{S(o["item"])} (owner {S(o["owner"])}, due {S(o["due"])})" : n.ToString());
        gfx.Dispose();
        using var ms = new MemoryStream();
        doc.Save(ms, false);
        return ms.ToArray();
    }

    private static string S(JsonNode? n) => n switch
    {
        null => "—",
        JsonValue v when v.TryGetValue<double>(out var x) => x.ToString("0.##", CultureInfo.InvariantCulture),
        _ => n.ToString(),
    };

    private static string M(JsonNode? n) => n is JsonValue v && v.TryGetValue<decimal>(out var x) ? x.ToString("#,##0.00", CultureInfo.InvariantCulture) : "—";

    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont f, double width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            var next = line.Length == 0 ? word : line + " " + word;
            if (line.Length > 0 && gfx.MeasureString(next, f).Width > width) { yield return line; line = word; }
            else line = next;
        }
        if (line.Length > 0) yield return line;
    }

    private static void Frame(XGraphics gfx, string caption, double x, double y, double w, double h, XFont bold)
    {
        gfx.DrawString(caption, bold, XBrushes.Black, new XRect(x, y, w, 16), XStringFormats.TopLeft);
        gfx.DrawRectangle(new XPen(XColors.LightGray, 0.8), x, y + 20, w, h);
    }

    private static void LineChart(XGraphics gfx, string caption, List<double> values, double x, double y, double w, double h, double max, XFont small, XFont bold)
    {
        Frame(gfx, caption, x, y, w, h, bold);
        var top = y + 20;
        if (values.Count == 0) { gfx.DrawString("No score recorded this quarter", small, XBrushes.Gray, new XRect(x, top, w, h), XStringFormats.Center); return; }
        gfx.DrawString(max.ToString(CultureInfo.InvariantCulture), small, XBrushes.Gray, new XRect(x + 4, top + 2, 40, 12), XStringFormats.TopLeft);
        gfx.DrawString("0", small, XBrushes.Gray, new XRect(x + 4, top + h - 14, 40, 12), XStringFormats.TopLeft);
        var pen = new XPen(XColor.FromArgb(29, 78, 216), 2);
        XPoint? prev = null;
        for (var i = 0; i < values.Count; i++)
        {
            var px = x + 20 + (values.Count == 1 ? (w - 40) / 2 : i * (w - 40) / (values.Count - 1));
            var py = top + h - 10 - Math.Clamp(values[i] / max, 0, 1) * (h - 20);
            var pt = new XPoint(px, py);
            if (prev is { } p) gfx.DrawLine(pen, p, pt);
            gfx.DrawEllipse(XBrushes.DarkBlue, px - 2.5, py - 2.5, 5, 5);
            prev = pt;
        }
        gfx.DrawString(values[^1].ToString("0", CultureInfo.InvariantCulture), small, XBrushes.Black, new XRect(prev!.Value.X - 20, prev.Value.Y - 16, 40, 12), XStringFormats.Center);
    }

    private static void BarChart(XGraphics gfx, string caption, List<(string Label, double Value)> bars, double x, double y, double w, double h, XFont small, XFont bold)
    {
        Frame(gfx, caption, x, y, w, h, bold);
        var top = y + 20;
        if (bars.Count == 0) { gfx.DrawString("No usage recorded this quarter", small, XBrushes.Gray, new XRect(x, top, w, h), XStringFormats.Center); return; }
        var max = Math.Max(1, bars.Max(b => b.Value));
        var slot = (w - 20) / bars.Count;
        var brush = new XSolidBrush(XColor.FromArgb(29, 78, 216));
        for (var i = 0; i < bars.Count; i++)
        {
            var bh = bars[i].Value / max * (h - 36);
            var bx = x + 10 + i * slot + slot * 0.15;
            gfx.DrawRectangle(brush, bx, top + h - 18 - bh, slot * 0.7, bh);
            if (bars.Count <= 14)
                gfx.DrawString(bars[i].Label[5..], small, XBrushes.Gray, new XRect(x + 10 + i * slot, top + h - 15, slot, 12), XStringFormats.TopCenter);
        }
        gfx.DrawString(max.ToString("0.#", CultureInfo.InvariantCulture), small, XBrushes.Gray, new XRect(x + 4, top + 2, 60, 12), XStringFormats.TopLeft);
    }

    private static void Watermark(XGraphics gfx, PdfPage page)
    {
        var state = gfx.Save();
        var center = new XPoint(page.Width.Point / 2, page.Height.Point / 2);
        gfx.RotateAtTransform(-25, center);
        var f = new XFont(InvoiceFonts.Family, 64, XFontStyleEx.Bold);
        gfx.DrawString("DRAFT – NOT REVIEWED", f, new XSolidBrush(XColor.FromArgb(45, 200, 0, 0)), new XRect(0, center.Y - 40, page.Width.Point, 80), XStringFormats.Center);
        gfx.Restore(state);
    }
}
