using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Invoices;

/// <summary>
/// Gapless invoice numbers per organization and year (INV-2026-000123), allocated in the
/// finalizing transaction: the counter row stays locked until it commits, so concurrent
/// finalizations take consecutive numbers, and a rollback gives its number back.
/// </summary>
public static class InvoiceNumbering
{
    public static async Task<string> NextAsync(TenantSession s, DateTime now, CancellationToken ct)
    {
        var n = await s.ScalarAsync<int>("""
            INSERT INTO invoice_number_sequences (id, organization_id, year, last_number) VALUES (@id, @org, @year, 1)
            ON CONFLICT (organization_id, year) DO UPDATE SET last_number = invoice_number_sequences.last_number + 1
            RETURNING last_number
            """, new { id = Guid.CreateVersion7(), org = s.OrganizationId, year = now.Year }, ct);
        return Format(now.Year, n);
    }

    public static string Format(int year, int n) => $"INV-{year}-{n:000000}";
}
