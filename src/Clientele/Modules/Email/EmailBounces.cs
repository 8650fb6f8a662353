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
}
