using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;

namespace Clientele.Modules.Success.AccountPlans;

/// <summary>
/// An account plan's life (issue 11 item 10): written as a draft (one per customer and fiscal year,
/// the table's unique key), submitted for approval (it needs strategic objectives), approved by an
/// admin (approved_by, approved_at) or returned to draft with a reason; an approved plan is reopened
/// as a draft to change it. status, approved_by and approved_at are written only here (read-only in
/// the resource API), and a trigger (migration 0082) keeps a submitted or approved plan's content
/// from changing under its approval.
/// </summary>
public static class AccountPlanActions
{
    public static Task<ActionOutcome> SubmitAsync(TenantSession s, Guid plan, CancellationToken ct) =>
        MoveAsync(s, plan, ["draft"], "pending_approval", "account_plan.submitted", ct, check: async () =>
        {
            var objectives = await s.ScalarAsync<int>("""
                SELECT CASE WHEN jsonb_typeof(strategic_objectives) = 'array' THEN jsonb_array_length(strategic_objectives)
                            WHEN strategic_objectives IS NULL OR strategic_objectives = 'null'::jsonb OR strategic_objectives = '{}'::jsonb THEN 0 ELSE 1 END
                FROM account_plans WHERE organization_id = $1 AND id = $2
                """, [s.OrganizationId, plan], ct);
            return objectives == 0 ? ActionOutcome.Invalid("strategic_objectives", "are empty: a plan is submitted with at least one objective") : null;
        });

    public static Task<ActionOutcome> ApproveAsync(TenantSession s, Guid plan, CancellationToken ct)
    {
        if (!s.Tenant.IsAdmin) throw ProblemException.Forbidden("Account plans are approved by an owner or admin.");
        if (s.Tenant.UserId is null) throw ProblemException.Forbidden("Approvals are decided by a person: use a user's session or an API key that belongs to a user.");
        return ApproveAsAsync(s, plan, s.Tenant.UserId.Value, ct);
    }

    /// <summary>The approval itself, by a known admin (the API checks the caller; the demo passes its owner).</summary>
    public static Task<ActionOutcome> ApproveAsAsync(TenantSession s, Guid plan, Guid approver, CancellationToken ct) =>
        MoveAsync(s, plan, ["pending_approval"], "approved", "account_plan.approved", ct, set: ", approved_by = $4, approved_at = now()", extra: approver);

    public static Task<ActionOutcome> RejectAsync(TenantSession s, Guid plan, string? reason, CancellationToken ct)
    {
        if (!s.Tenant.IsAdmin) throw ProblemException.Forbidden("Account plans are returned by an owner or admin.");
        if (string.IsNullOrWhiteSpace(reason)) return Task.FromResult(ActionOutcome.Invalid("reason", "is required: say what the plan needs before it is approved"));
        var note = $"Returned for changes on {DateTime.UtcNow:yyyy-MM-dd}: {reason.Trim()}";
        return MoveAsync(s, plan, ["pending_approval"], "draft", "account_plan.returned", ct,
            set: ", notes = concat_ws(E'\\n', nullif(notes, ''), $4::text)", extra: note);
    }

    public static Task<ActionOutcome> ReopenAsync(TenantSession s, Guid plan, CancellationToken ct) =>
        MoveAsync(s, plan, ["approved", "active"], "draft", "account_plan.reopened", ct, set: ", approved_by = NULL, approved_at = NULL");

    private static async Task<ActionOutcome> MoveAsync(TenantSession s, Guid plan, string[] from, string to, string eventType, CancellationToken ct,
        Func<Task<ActionOutcome?>>? check = null, string set = "", object? extra = null)
    {
        await s.BeginAsync(ct);
        var status = await s.QueryFirstAsync("SELECT status FROM account_plans WHERE organization_id = $1 AND id = $2 FOR UPDATE", [s.OrganizationId, plan], r => r.GetString(0), ct);
        if (status is null) return ActionOutcome.Missing($"No account plan with id {plan}.");
        if (!from.Contains(status)) return ActionOutcome.NotIn(status, $"only a plan that is {string.Join(" or ", from)} can become {to}");
        if (check is not null && await check() is { } refused) return refused;
        object?[] args = extra is null ? [s.OrganizationId, plan, to] : [s.OrganizationId, plan, to, extra];
        await s.ExecuteAsync($"UPDATE account_plans SET status = $3, updated_at = now(){set} WHERE organization_id = $1 AND id = $2", args, ct);
        await AuditWriter.WriteAsync(s, "account_plans", plan, "update", new JsonObject
        {
            ["before"] = new JsonObject { ["status"] = status }, ["after"] = new JsonObject { ["status"] = to },
        }, ct);
        await DomainEvents.PublishRowAsync(s, "account_plans", plan, ct, new JsonObject { ["status"] = status }, "account_plans.updated", eventType);
        return ActionOutcome.Done;
    }
}
