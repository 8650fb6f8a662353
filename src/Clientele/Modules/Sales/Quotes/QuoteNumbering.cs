using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>
/// Gapless quote numbers per organization and year (Q-2026-000042), allocated in the sending
/// transaction: the counter row stays locked until it commits, so concurrent sends take consecutive
/// numbers, and a send that fails (the relay refused) gives its number back. The invoice pattern.
/// </summary>
public static class QuoteNumbering
{
    public static async Task<string> NextAsync(TenantSession s, DateTime now, CancellationToken ct)
    {
        var n = await s.ScalarAsync<int>("""
            INSERT INTO quote_number_sequences (id, organization_id, year, last_number) VALUES (@id, @org, @year, 1)
            ON CONFLICT (organization_id, year) DO UPDATE SET last_number = quote_number_sequences.last_number + 1
            RETURNING last_number
            """, new { id = Guid.CreateVersion7(), org = s.OrganizationId, year = now.Year }, ct);
        return Format(now.Year, n);
    }

    public static string Format(int year, int n) => $"Q-{year}-{n:000000}";
}
