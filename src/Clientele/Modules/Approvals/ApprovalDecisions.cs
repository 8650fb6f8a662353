using System.Text.Json.Nodes;
using Clientele.Modules.Success.Copilot;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Errors;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Approvals;

/// <summary>
/// The approvals state machine: pending → approved → executed | failed, pending → rejected, and
/// pending → expired once its deadline passed (metadata.expires_at, and the linked
/// google_pending_approvals.expires_at). Each decision locks the row (FOR UPDATE), so two approvers
/// racing get one execution and one 409. Approving runs the action in the same transaction behind a
/// savepoint: it commits executed with the result, or the action's writes are rolled back and the
/// approval commits failed with the error. The linked Google row follows the same states. Every
/// decision and execution is a step in agent_activity_log (under the request_approval step) and an
/// audit_logs row.
/// </summary>
public sealed class ApprovalDecisions(ActionExecutor executor, TimeProvider clock, ILogger<ApprovalDecisions> logger)
{
    private sealed record Row(Guid Id, Guid? SessionId, string Action, string Status, JsonObject Metadata, Guid? CustomerId, bool CustomerExists,
        Guid? GoogleId, string? GoogleStatus, DateTimeOffset? GoogleExpiresAt)
    {
        public ProposedAction? Proposal => ProposedAction.FromJson(Metadata["proposal"]);
        public Guid? RequestedBy => Guid.TryParse(Metadata["requested_by"]?.ToString(), out var g) ? g : null;
        public Guid? RequestStepId => Guid.TryParse(Metadata["request_activity_id"]?.ToString(), out var g) ? g : null;
        public DateTimeOffset? ExpiresAt
        {
            get
            {
                DateTimeOffset? own = DateTimeOffset.TryParse(Metadata["expires_at"]?.ToString(), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var e) ? e : null;
                return (own, GoogleExpiresAt) switch { ({ } a, { } b) => a < b ? a : b, (var a, var b) => a ?? b };
            }
        }
    }

    /// <summary>Approves and runs the action; returns how to undo an outside effect (a calendar event) if the caller's commit fails.</summary>
    public async Task<Func<CancellationToken, Task>?> ApproveAsync(TenantSession s, Guid id, string? comment, CancellationToken ct)
    {
        var approver = s.Tenant.UserId!.Value;
        var row = await LockAsync(s, id, ct);
        await RefuseDecidedAsync(s, row, ct);
        if (row.CustomerId is not null && !row.CustomerExists)
            throw ProblemException.Conflict("The approval is stale: its customer no longer exists. Reject it instead.");
        var scope = new ActivityScope(row.CustomerId, approver, row.SessionId);

        var approve = await ActivityStep.StartAsync(s, scope, "approve", new JsonObject { ["approval_id"] = id.ToString(), ["comment"] = comment }, row.RequestStepId, ct);
        await SetStatusAsync(s, row, "approved", approver, comment, null, ct);
        await approve.CompleteAsync(new JsonObject { ["status"] = "approved", ["action"] = row.Action }, ct);
        if (row.Proposal is not { } proposal)
        {
            // Not a copilot proposal (no payload): the decision is recorded, there is nothing to run.
            return null;
        }

        var target = new ActionTarget(id, row.CustomerId ?? throw ProblemException.Conflict("The approval names no customer."), row.SessionId, row.RequestedBy, approver);
        var execute = await ActivityStep.StartAsync(s, scope, "execute_" + proposal.Type, new JsonObject { ["approval_id"] = id.ToString() }, approve.Id, ct);
        await s.Transaction!.SaveAsync("copilot_action", ct);
        Success.Copilot.ActionOutcome outcome;
        try
        {
            outcome = await executor.ExecuteAsync(s, proposal, target, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            await s.Transaction!.RollbackAsync("copilot_action", ct);
            if (e is not (CopilotActionException or ProblemException)) logger.LogWarning(e, "approved action {ApprovalId} ({Action}) failed", id, proposal.Type);
            var error = e is ProblemException p ? p.Detail ?? p.Title : e.Message;
            await SetStatusAsync(s, row, "failed", approver, null, new JsonObject { ["status"] = "failed", ["error"] = error, ["failed_at"] = Now() }, ct);
            await execute.FailAsync(error, null, ct);
            return null;
        }
        await s.Transaction!.ReleaseAsync("copilot_action", ct);
        await SetStatusAsync(s, row, "executed", approver, null, new JsonObject { ["status"] = "executed", ["result"] = outcome.Result, ["executed_at"] = Now() }, ct);
        await execute.CompleteAsync(outcome.Result.DeepClone().AsObject(), ct);
        return outcome.CompensateAsync;
    }

    public async Task RejectAsync(TenantSession s, Guid id, string comment, CancellationToken ct)
    {
        var decider = s.Tenant.UserId!.Value;
        var row = await LockAsync(s, id, ct);
        if (row.Status != "pending") throw Decided(row.Status);
        var step = await ActivityStep.StartAsync(s, new ActivityScope(row.CustomerId, decider, row.SessionId), "reject",
            new JsonObject { ["approval_id"] = id.ToString(), ["comment"] = comment }, row.RequestStepId, ct);
        await SetStatusAsync(s, row, "rejected", decider, comment, null, ct);
        await step.CompleteAsync(new JsonObject { ["status"] = "rejected", ["action"] = row.Action }, ct);
    }

    /// <summary>409 for a decided approval; a pending one past its deadline becomes expired (committed) and answers 410.</summary>
    private async Task RefuseDecidedAsync(TenantSession s, Row row, CancellationToken ct)
    {
        if (row.Status != "pending") throw Decided(row.Status);
        if (row.ExpiresAt is not { } expires || expires > clock.GetUtcNow()) return;
        var step = await ActivityStep.StartAsync(s, new ActivityScope(row.CustomerId, s.Tenant.UserId, row.SessionId), "expire",
            new JsonObject { ["approval_id"] = row.Id.ToString(), ["expires_at"] = expires.ToString("O") }, row.RequestStepId, ct);
        await SetStatusAsync(s, row, "expired", null, null, null, ct);
        await step.CompleteAsync(new JsonObject { ["status"] = "expired" }, ct);
        await s.CommitAsync(ct);
        throw new ProblemException(410, "Gone", $"The approval expired at {expires:O}; ask the copilot again for a fresh proposal.");
    }

    private static ProblemException Decided(string status) => status == "expired"
        ? new ProblemException(410, "Gone", "The approval expired; ask the copilot again for a fresh proposal.")
        : ProblemException.Conflict($"The approval is already {status}; it can be decided only once.");

    private string Now() => clock.GetUtcNow().ToString("O");

    private static async Task<Row> LockAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        return await s.QueryFirstAsync("""
            SELECT a.id, a.session_id, a.action, a.status, coalesce(a.metadata, '{}'::jsonb)::text,
                   coalesce(ses.customer_id, (a.metadata->>'customer_id')::uuid),
                   EXISTS (SELECT 1 FROM customers c WHERE c.organization_id = a.organization_id
                           AND c.id = coalesce(ses.customer_id, (a.metadata->>'customer_id')::uuid) AND c.deleted_at IS NULL),
                   g.id, g.status, g.expires_at
            FROM approvals a
            LEFT JOIN agent_sessions ses ON ses.organization_id = a.organization_id AND ses.id = a.session_id
            LEFT JOIN google_pending_approvals g ON g.organization_id = a.organization_id AND g.id = (a.metadata->>'google_pending_approval_id')::uuid
            WHERE a.organization_id = $1 AND a.id = $2
            FOR UPDATE OF a
            """, [s.OrganizationId, id], r => new Row(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetString(3), JsonNode.Parse(r.GetString(4))!.AsObject(),
            r.IsDBNull(5) ? null : r.GetGuid(5), r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetGuid(7), r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : new DateTimeOffset(r.GetDateTime(9), TimeSpan.Zero)), ct)
            ?? throw ProblemException.NotFound($"No approval with id {id}.");
    }

    /// <summary>Moves the approval (and its Google row) to a state; audit_logs gets the before and after.</summary>
    private static async Task SetStatusAsync(TenantSession s, Row row, string status, Guid? decider, string? comment, JsonObject? execution, CancellationToken ct)
    {
        var before = (await s.ScalarAsync<string>("SELECT status FROM approvals WHERE organization_id = $1 AND id = $2", [s.OrganizationId, row.Id], ct))!;
        var decision = status is "approved" or "rejected" or "expired";
        await s.ExecuteAsync("""
            UPDATE approvals SET status = $3,
              resolved_by = CASE WHEN $6 THEN $4 ELSE resolved_by END,
              resolved_at = CASE WHEN $6 THEN clock_timestamp() ELSE resolved_at END,
              comment = CASE WHEN $6 THEN coalesce($5, comment) ELSE comment END,
              metadata = CASE WHEN $7::jsonb IS NULL THEN metadata ELSE coalesce(metadata, '{}'::jsonb) || jsonb_build_object('execution', $7::jsonb) END
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, row.Id, status, SqlArg.Uuid(decider), SqlArg.Text(comment), decision, SqlArg.Jsonb(execution)], ct);
        if (row.GoogleId is { } googleId)
        {
            await s.ExecuteAsync("""
                UPDATE google_pending_approvals SET status = $3,
                  decided_by = CASE WHEN $6 THEN $4 ELSE decided_by END,
                  decided_at = CASE WHEN $6 THEN clock_timestamp() ELSE decided_at END,
                  decision_note = CASE WHEN $6 THEN coalesce($5, decision_note) ELSE decision_note END
                WHERE organization_id = $1 AND id = $2
                """, [s.OrganizationId, googleId, status, SqlArg.Uuid(decider), SqlArg.Text(comment), decision && status != "expired"], ct);
        }
        var after = new JsonObject { ["status"] = status };
        if (decider is { } d && decision) after["resolved_by"] = d.ToString();
        if (comment is not null) after["comment"] = comment;
        if (execution is not null) after["execution"] = execution.DeepClone();
        await AuditWriter.WriteAsync(s, "approvals", row.Id, "update", new JsonObject { ["before"] = new JsonObject { ["status"] = before }, ["after"] = after }, ct);
        if (before == "pending" && decision)
            await ActivityFeed.WriteAsync(s, "approval." + status, "approvals", row.Id, null, comment is null ? null : new JsonObject { ["comment"] = comment }, ct);
        if (before == "pending" && decision)
            await DomainEvents.PublishRowAsync(s, "approvals", row.Id, ct, new JsonObject { ["status"] = before }, "approval.decided");
    }
}
