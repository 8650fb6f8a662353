using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>
/// The job sales.quote_expiry: every sent quote past its valid_until becomes expired (audited, with
/// quotes.updated and quote.expired events). Its acceptance link then says the quote has expired.
/// </summary>
public sealed class QuoteExpiry(TenantSessions sessions, AppDataSource app)
{
    public async Task<int> RunAsync(DateTime now, CancellationToken ct)
    {
        var orgs = new List<Guid>();
        await using (var conn = await app.DataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("SELECT organization_id FROM sales_orgs_with_expired_quotes()", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) orgs.Add(r.GetGuid(0));
        var expired = 0;
        foreach (var org in orgs)
        {
            await using var s = sessions.Open(AcceptQuote.System(org));
            var ids = await s.QueryAsync("""
                SELECT id FROM quotes WHERE organization_id = $1 AND status = 'sent' AND valid_until < $2 AND deleted_at IS NULL
                ORDER BY valid_until LIMIT 1000 FOR UPDATE SKIP LOCKED
                """, [org, now], r => r.GetGuid(0), ct);
            foreach (var id in ids)
            {
                var before = (await SalesRows.ReadAsync(s, "quotes", id, ct))!;
                await s.ExecuteAsync("UPDATE quotes SET status = 'expired' WHERE organization_id = $1 AND id = $2", [org, id], ct);
                await SalesRows.UpdatedAsync(s, "quotes", id, before, ct, "quote.expired");
            }
            await s.CommitAsync(ct);
            expired += ids.Count;
        }
        return expired;
    }
}
