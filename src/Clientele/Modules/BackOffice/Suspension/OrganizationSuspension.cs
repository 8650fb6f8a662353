using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.BackOffice.Suspension;

/// <summary>
/// Staff suspend and unsuspend an organization (issue 14 item 1). Suspended: its API answers 403
/// (<see cref="SuspensionGate"/>), its console shows why, and its webhooks are still acknowledged and
/// stored but parked (<see cref="SuspendedOrganizationGate"/>) until it is unsuspended.
/// Each change is in admin_audit_logs and in the organization's activity feed.
/// </summary>
public sealed class OrganizationSuspension(StaffData data, SuspensionState state, OutboxSignal signal)
{
    public const int MaxReason = 1000;

    public async Task<ActionOutcome> SuspendAsync(StaffMember staff, Guid organizationId, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason)) return ActionOutcome.Invalid("reason", "Say why: the organization's people read it.");
        if (reason.Length > MaxReason) return ActionOutcome.Invalid("reason", $"Keep the reason under {MaxReason} characters.");
        return await ChangeAsync(staff, organizationId, suspend: true, reason, ct);
    }

    public Task<ActionOutcome> UnsuspendAsync(StaffMember staff, Guid organizationId, CancellationToken ct) =>
        ChangeAsync(staff, organizationId, suspend: false, null, ct);

    private async Task<ActionOutcome> ChangeAsync(StaffMember staff, Guid organizationId, bool suspend, string? reason, CancellationToken ct)
    {
        await using var s = await data.OrganizationAsync(staff, organizationId, ct);
        var row = await s.QueryFirstAsync("SELECT name, suspended_at IS NOT NULL FROM organizations WHERE id = $1 AND deleted_at IS NULL FOR UPDATE",
            [organizationId], r => (Name: r.GetString(0), Suspended: r.GetBoolean(1)), ct);
        if (row.Name is null) return ActionOutcome.Missing("There is no such organization.");
        if (row.Suspended == suspend) return ActionOutcome.NotIn(suspend ? "suspended" : "active", suspend ? "it is suspended already." : "it is not suspended.");
        await s.ExecuteAsync(suspend
                ? "UPDATE organizations SET suspended_at = now(), suspended_reason = $2 WHERE id = $1"
                : "UPDATE organizations SET suspended_at = NULL, suspended_reason = NULL WHERE id = $1",
            suspend ? new object?[] { organizationId, reason } : new object?[] { organizationId }, ct);
        var action = suspend ? "organization.suspended" : "organization.unsuspended";
        var details = suspend ? new JsonObject { ["reason"] = reason } : null;
        // Parked inbound events are due again now (in arrival order), not at the gate's next recheck.
        if (!suspend)
            await s.ExecuteAsync("UPDATE inbound_events SET available_at = now() WHERE organization_id = $1 AND processed_at IS NULL AND dead_at IS NULL AND available_at > now()",
                [organizationId], ct);
        var conn = await s.BeginAsync(ct);
        await StaffAudit.WriteAsync(conn, s.Transaction, staff.Id, staff.Ip, action, "organizations", organizationId, details?.DeepClone().AsObject(), ct);
        await StaffActivity.WriteAsync(s, staff, action, "organizations", organizationId, row.Name, details, ct);
        await s.CommitAsync(ct);
        state.Forget(organizationId);
        if (!suspend) signal.Wake(); // parked webhooks run now
        return ActionOutcome.Done;
    }
}
