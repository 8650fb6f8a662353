using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Usage;

/// <summary>A plan's price for one event type: the quantity included per period and the unit price beyond it.</summary>
public sealed record UsagePrice(string EventType, long Included, decimal UnitPrice)
{
    public long Billable(long quantity) => Math.Max(0, quantity - Included);

    /// <summary>Reads plans.usage_pricing ([{"event_type","included","unit_price"}]); malformed entries are skipped.</summary>
    public static IReadOnlyList<UsagePrice> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) return [];
        var list = new List<UsagePrice>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("event_type", out var t) || t.ValueKind != JsonValueKind.String) continue;
            var included = e.TryGetProperty("included", out var inc) && inc.TryGetInt64(out var n) ? n : 0;
            var price = e.TryGetProperty("unit_price", out var up) && up.TryGetDecimal(out var d) ? d : 0;
            list.Add(new UsagePrice(t.GetString()!, included, price));
        }
        return list;
    }
}

/// <summary>Usage summed per event type over a time window (by event timestamp, not arrival).</summary>
public sealed record UsageTotal(string EventType, string? Unit, long Quantity, long Events);

public static class UsageTotals
{
    public static async Task<List<UsageTotal>> SumAsync(TenantSession s, Guid customerId, DateTime from, DateTime to, string? eventType, CancellationToken ct) =>
        (await s.QueryAsync<UsageTotal>("""
            SELECT event_type AS EventType, max(unit) AS Unit, sum(quantity)::bigint AS Quantity, count(*) AS Events FROM usage_events
            WHERE organization_id = @org AND customer_id = @customerId AND "timestamp" >= @from AND "timestamp" < @to
              AND deleted_at IS NULL AND (@eventType::text IS NULL OR event_type = @eventType::text)
            GROUP BY event_type ORDER BY event_type
            """, new { org = s.OrganizationId, customerId, from, to, eventType }, ct)).ToList();
}
