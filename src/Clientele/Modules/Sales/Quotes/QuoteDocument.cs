using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>One line of a quote as the database normalised it (migration 0085).</summary>
public sealed record QuoteLine(string Description, decimal Quantity, decimal UnitPrice, decimal Discount, decimal Amount);

/// <summary>
/// A quote with what its PDF, email and acceptance page show: the organization, the buyer (the
/// quote's customer, else the deal's customer, else the deal's lead), the lines and the deal.
/// </summary>
public sealed record QuoteDocument(Guid Id, string? Number, string Status, string Currency, decimal Total, DateTime? ValidUntil, DateTime? AcceptedAt,
    DateTime CreatedAt, string Organization, string? BuyerName, string? BuyerCompany, string? BuyerEmail, Guid? DealId, string? DealName,
    string? OnAccept, IReadOnlyList<QuoteLine> Lines)
{
    public static async Task<QuoteDocument?> ReadAsync(TenantSession s, Guid id, CancellationToken ct, bool forUpdate = false) =>
        await s.QueryFirstAsync($"""
            SELECT q.id, q.quote_number, q.status, q.currency, coalesce(q.total_amount, 0), q.valid_until, q.accepted_at, q.created_at, o.name,
                   coalesce(c.name, dc.name, l.name), coalesce(c.company_name, dc.company_name, l.company), coalesce(c.email, dc.email, l.email),
                   q.deal_id, d.name, q.extra_metadata->>'on_accept', q.line_items::text
            FROM quotes q
            JOIN organizations o ON o.id = q.organization_id
            LEFT JOIN customers c ON c.organization_id = q.organization_id AND c.id = q.customer_id AND c.deleted_at IS NULL
            LEFT JOIN deals d ON d.organization_id = q.organization_id AND d.id = q.deal_id AND d.deleted_at IS NULL
            LEFT JOIN customers dc ON dc.organization_id = q.organization_id AND dc.id = d.customer_id AND dc.deleted_at IS NULL
            LEFT JOIN leads l ON l.organization_id = q.organization_id AND l.id = d.lead_id AND l.deleted_at IS NULL
            WHERE q.organization_id = $1 AND q.id = $2 AND q.deleted_at IS NULL
            {(forUpdate ? "FOR UPDATE OF q" : "")}
            """, [s.OrganizationId, id], r => new QuoteDocument(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3), r.GetDecimal(4),
                r.IsDBNull(5) ? null : r.GetDateTime(5), r.IsDBNull(6) ? null : r.GetDateTime(6), r.GetDateTime(7), r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11),
                r.IsDBNull(12) ? null : r.GetGuid(12), r.IsDBNull(13) ? null : r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14),
                ParseLines(r.GetString(15))), ct);

    private static List<QuoteLine> ParseLines(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(l => new QuoteLine(
            l.GetProperty("description").GetString() ?? "", Num(l, "quantity"), Num(l, "unit_price"), Num(l, "discount"), Num(l, "amount"))).ToList();
    }

    private static decimal Num(JsonElement l, string name) => l.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;
}
