using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Channels;

/// <summary>
/// Seed 001's prepaid AI message credits. Spending is one conditional UPDATE, so concurrent
/// replies can never take the balance below zero (and the CHECK would refuse it anyway).
/// </summary>
public sealed class MessageCredits(IConfiguration config) : Clientele.Platform.Auth.IOrganizationInitializer
{
    public int TrialGrant => config.GetValue("Credits:TrialGrant", 100);

    /// <summary>New organizations start with the trial grant (Credits__TrialGrant, default 100).</summary>
    public async Task InitializeAsync(TenantSession s, CancellationToken ct) => await GrantAsync(s, TrialGrant, ct);

    private const string SpendSql = """
        UPDATE message_credits SET remaining_credits = remaining_credits - 1, total_used = total_used + 1, last_updated = now()
        WHERE organization_id = $1 AND remaining_credits > 0
        """;

    /// <summary>Takes one credit, as a batch command: RecordsAffected is 1 when a credit was taken, 0 at zero.</summary>
    public static Npgsql.NpgsqlBatchCommand SpendCommand(TenantSession s)
    {
        var cmd = new Npgsql.NpgsqlBatchCommand(SpendSql);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = s.OrganizationId });
        return cmd;
    }

    /// <summary>Adds credits (creating the balance row when missing); returns the new balance.</summary>
    public static async Task<int> GrantAsync(TenantSession s, int credits, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            INSERT INTO message_credits (id, organization_id, remaining_credits, total_used) VALUES ($1, $2, $3, 0)
            ON CONFLICT (organization_id) DO UPDATE SET remaining_credits = message_credits.remaining_credits + EXCLUDED.remaining_credits, last_updated = now()
            RETURNING remaining_credits
            """, ct);
        cmd.Parameters.AddWithValue(Guid.CreateVersion7());
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(credits);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
