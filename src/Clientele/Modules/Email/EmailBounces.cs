using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;

namespace Clientele.Modules.Email;

/// <summary>Records the addresses a delivery status notification named (email_bounces, migration 0091).</summary>
public static class EmailBounces
{
    public static async Task<int> RecordAsync(TenantSession s, IEnumerable<string> addresses, string? reason, string? messageId, CancellationToken ct)
    {
        var n = 0;
        foreach (var address in addresses.Select(a => a.Trim().ToLowerInvariant()).Distinct())
            n += await s.ExecuteAsync("""
                INSERT INTO email_bounces (organization_id, address, reason, message_id) VALUES ($1, $2, $3, $4)
                ON CONFLICT (organization_id, address) DO UPDATE
                SET bounces = email_bounces.bounces + 1, last_bounced_at = now(), reason = EXCLUDED.reason, message_id = EXCLUDED.message_id
                """, [s.OrganizationId, address, SqlArg.Text(reason), SqlArg.Text(messageId)], ct);
        return n;
    }

    /// <summary>Forgets a bounce (the address was fixed, or the mailbox is back): the channel sends to it again.
    /// The address, or null when there is no such bounce in the organization. Audited and in the activity feed.</summary>
    public static async Task<string?> ClearAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var address = await s.QueryFirstAsync("DELETE FROM email_bounces WHERE organization_id = $1 AND id = $2 RETURNING address",
            [s.OrganizationId, id], r => r.GetString(0), ct);
        if (address is null) return null;
        await AuditWriter.WriteAsync(s, "email_bounces", id, "delete", new JsonObject { ["address"] = address }, ct);
        await ActivityFeed.WriteAsync(s, "email_bounce.cleared", "email_bounces", id, address, null, ct);
        return address;
    }

    public sealed record Row(Guid Id, string Address, string? Reason, int Bounces, DateTime FirstBouncedAt, DateTime LastBouncedAt);

    public static Task<List<Row>> ListAsync(TenantSession s, int limit, CancellationToken ct) =>
        s.ReadListAsync("SELECT id, address, reason, bounces, first_bounced_at, last_bounced_at FROM email_bounces WHERE organization_id = $1 ORDER BY last_bounced_at DESC, id LIMIT $2",
            [s.OrganizationId, limit], r => new Row(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3),
                DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc), DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc)), ct);
}
