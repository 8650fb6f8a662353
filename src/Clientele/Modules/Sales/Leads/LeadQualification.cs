using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Leads;

/// <summary>
/// qualify / disqualify / reopen: the lead's qualification as actions. The rules themselves live
/// in the leads trigger (migration 0050) so that a PATCH or an import cannot skip them: one step
/// at a time (new → mql → sql → qualified), mql needs an email or phone, sql an assessed need,
/// qualified BANT and an owner; disqualified needs a reason and can only be reopened as new;
/// converted is final. Here: the input, the row lock, the unchanged case, the audit and events.
/// </summary>
public static class LeadQualification
{
    public sealed record Body(string? Status, string? Reason);

    public static readonly string[] Forward = ["mql", "sql", "qualified"];

    public static async Task<ActionOutcome> QualifyAsync(TenantSession s, Guid id, string? status, CancellationToken ct)
    {
        if (status is null || !Forward.Contains(status))
            return ActionOutcome.Invalid("status", "must be one of mql, sql, qualified (disqualify and reopen are their own actions)");
        return await MoveAsync(s, id, status, null, ct);
    }

    public static async Task<ActionOutcome> DisqualifyAsync(TenantSession s, Guid id, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) return ActionOutcome.Invalid("reason", "is required: say why the lead is disqualified");
        if (reason.Length > 500) return ActionOutcome.Invalid("reason", "is longer than 500 characters");
        return await MoveAsync(s, id, "disqualified", reason.Trim(), ct);
    }

    public static Task<ActionOutcome> ReopenAsync(TenantSession s, Guid id, CancellationToken ct) => MoveAsync(s, id, "new", null, ct);

    private static async Task<ActionOutcome> MoveAsync(TenantSession s, Guid id, string to, string? reason, CancellationToken ct)
    {
        var before = await LockAsync(s, id, ct);
        if (before is null) return ActionOutcome.Missing($"No lead with id {id}.");
        var from = before["qualification_status"]!.GetValue<string>();
        if (from == to) return ActionOutcome.Done; // asking twice changes nothing
        if (to == "new" && from != "disqualified") return ActionOutcome.NotIn(from, "only a disqualified lead can be reopened");
        await s.ExecuteAsync("""
            UPDATE leads SET qualification_status = $3, updated_by = $4,
              extra_metadata = CASE WHEN $5::text IS NULL THEN extra_metadata
                                    ELSE coalesce(extra_metadata, '{}'::jsonb) || jsonb_build_object('disqualified_reason', $5::text) END
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, to, SqlArg.Uuid(s.Tenant.ActorId), SqlArg.Text(reason)], ct);
        await SalesRows.UpdatedAsync(s, "leads", id, before, ct, "lead.qualification_changed");
        return ActionOutcome.Done;
    }

    /// <summary>The live lead, locked for this transaction, as JSON (null when missing or deleted).</summary>
    internal static async Task<JsonObject?> LockAsync(TenantSession s, Guid id, CancellationToken ct) =>
        await s.ScalarAsync<string>(
            "SELECT (to_jsonb(l) - 'organization_id')::text FROM leads l WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE",
            [s.OrganizationId, id], ct) is { } json ? JsonNode.Parse(json)!.AsObject() : null;
}
