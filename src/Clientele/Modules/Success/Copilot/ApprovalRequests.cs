using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Success.Copilot;

/// <summary>Where a proposal comes from: the session, its customer and CSM, and the assistant message that proposes it.</summary>
public sealed record ProposalOrigin(Guid SessionId, Guid CustomerId, Guid? UserId, Guid AgentMessageId);

/// <summary>A pending approval just created.</summary>
public sealed record ApprovalRequest(Guid ApprovalId, Guid? GooglePendingApprovalId, DateTimeOffset ExpiresAt, CheckedProposal Proposal);

/// <summary>
/// Turns a checked proposal into a pending approvals row holding the full action payload
/// (metadata.proposal), so that what runs on approval is exactly what was shown. A meeting also
/// gets its google_pending_approvals row (action create_calendar_event, a preview, expires_at), linked
/// both ways. Nothing is executed here. Written in the turn's transaction with a request_approval
/// step in agent_activity_log and an audit row.
/// </summary>
public sealed class ApprovalRequests(CopilotOptions options, TimeProvider clock)
{
    public const string AgentId = "copilot";
    public const string GoogleActionType = "create_calendar_event";

    public async Task<ApprovalRequest> CreateAsync(TenantSession s, ProposalOrigin origin, CheckedProposal proposal, ActivityScope scope, Guid parentStepId,
        string? timeZone, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var action = proposal.Action;
        var isGoogle = action.Type == ProposedAction.ScheduleMeeting;
        var expires = now + (isGoogle ? options.GoogleApprovalTtl : options.ApprovalTtl);
        if (isGoogle && action.Start is { } start && start < expires) expires = start;
        var approvalId = Guid.CreateVersion7();
        Guid? googleId = isGoogle ? Guid.CreateVersion7() : null;

        var step = await ActivityStep.StartAsync(s, scope, "request_approval", new JsonObject { ["type"] = action.Type, ["details"] = proposal.Details }, parentStepId, ct);
        var metadata = new JsonObject
        {
            ["customer_id"] = origin.CustomerId.ToString(),
            ["proposal"] = action.ToJson(),
            ["requested_by"] = origin.UserId?.ToString(),
            ["agent_message_id"] = origin.AgentMessageId.ToString(),
            ["request_activity_id"] = step.Id.ToString(),
            ["expires_at"] = expires.ToUniversalTime().ToString("O"),
        };
        if (googleId is { } gid) metadata["google_pending_approval_id"] = gid.ToString();
        await s.ExecuteAsync("""
            INSERT INTO approvals (id, organization_id, session_id, agent_id, action, details, status, metadata)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)
            """, [approvalId, s.OrganizationId, origin.SessionId, AgentId, action.Type, proposal.Details, metadata], ct);
        if (googleId is { } id) await InsertGoogleAsync(s, id, approvalId, origin, action, timeZone, expires, ct);
        await DomainEvents.PublishRowAsync(s, "approvals", approvalId, ct, null, "approval.requested");
        await AuditWriter.WriteAsync(s, "approvals", approvalId, "create", new JsonObject
        {
            ["after"] = new JsonObject { ["action"] = action.Type, ["details"] = proposal.Details, ["status"] = "pending", ["session_id"] = origin.SessionId.ToString() },
        }, ct);
        await step.CompleteAsync(new JsonObject
        {
            ["approval_id"] = approvalId.ToString(), ["google_pending_approval_id"] = googleId?.ToString(), ["expires_at"] = expires.ToUniversalTime().ToString("O"),
        }, ct);
        return new ApprovalRequest(approvalId, googleId, expires, proposal);
    }

    private static async Task InsertGoogleAsync(TenantSession s, Guid id, Guid approvalId, ProposalOrigin origin, ProposedAction action, string? timeZone,
        DateTimeOffset expires, CancellationToken ct)
    {
        var data = action.ToJson();
        data["approval_id"] = approvalId.ToString();
        data["session_id"] = origin.SessionId.ToString();
        var preview = new JsonObject
        {
            ["title"] = action.Title, ["attendee"] = action.AttendeeName is { } n ? $"{n} <{action.AttendeeEmail}>" : action.AttendeeEmail,
            ["start"] = action.Start?.ToString("O"), ["end"] = action.Start?.AddMinutes(action.DurationMinutes ?? 30).ToString("O"),
            ["duration_minutes"] = action.DurationMinutes, ["timezone"] = timeZone,
        };
        await s.ExecuteAsync("""
            INSERT INTO google_pending_approvals (id, organization_id, user_id, agent_type, action_type, action_data, preview_data, customer_id, status, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
            """,
            [id, s.OrganizationId, SqlArg.Uuid(origin.UserId), ActivityScope.AgentType, GoogleActionType, data, preview, origin.CustomerId, expires.UtcDateTime], ct);
    }
}
