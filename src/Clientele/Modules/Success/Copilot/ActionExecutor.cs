using System.Text.Json.Nodes;
using Clientele.Modules.Integrations.Google;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Success.Copilot;

/// <summary>Who and what an approved action is for.</summary>
public sealed record ActionTarget(Guid ApprovalId, Guid CustomerId, Guid? SessionId, Guid? RequestedBy, Guid ApproverId);

/// <summary>What an executed action did (approvals.metadata.execution.result), and how to undo an outside effect if the commit fails.</summary>
public sealed record ActionOutcome(JsonObject Result, Func<CancellationToken, Task>? CompensateAsync = null);

/// <summary>
/// Runs an approved proposal in the caller's transaction: apply_credit inserts a credits row (seed 000),
/// create_task a customer_notes row of type task, send_email an outbound email message through the
/// outbox (CopilotEmail), schedule_meeting a Google Calendar booking (MeetingScheduler.BookAsync,
/// source "copilot", on the CSM's calendar when connected). Each writes its own audit row. Failures
/// throw (CopilotActionException for what the organization lacks, Google and validation errors as
/// they come); the caller records them on the approval.
/// </summary>
public sealed class ActionExecutor(MeetingScheduler scheduler, CopilotEmail email, IEnumerable<Clientele.Modules.Approvals.IApprovalAction> moduleActions)
{
    public async Task<ActionOutcome> ExecuteAsync(TenantSession s, ProposedAction action, ActionTarget target, CancellationToken ct) => action.Type switch
    {
        ProposedAction.ApplyCredit => new ActionOutcome(await CreditAsync(s, action, target, ct)),
        ProposedAction.CreateTask => new ActionOutcome(await TaskAsync(s, action, target, ct)),
        ProposedAction.SendEmail => new ActionOutcome(await email.SendAsync(s, action, target.CustomerId, target.ApprovalId, target.RequestedBy, target.ApproverId, ct)),
        ProposedAction.ScheduleMeeting => await MeetingAsync(s, action, target, ct),
        // Actions other modules propose into the queue (Success: save_play).
        _ when moduleActions.FirstOrDefault(m => m.Type == action.Type) is { } m =>
            new ActionOutcome(await m.ExecuteAsync(s, target.ApprovalId, target.CustomerId, target.ApproverId, ct)),
        _ => throw new CopilotActionException($"unknown action type '{action.Type}'"),
    };

    private static async Task<JsonObject> CreditAsync(TenantSession s, ProposedAction a, ActionTarget t, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var metadata = new JsonObject { ["approval_id"] = t.ApprovalId.ToString(), ["source"] = "copilot" };
        await s.ExecuteAsync("""
            INSERT INTO credits (id, organization_id, customer_id, amount, currency, credit_type, reason, status, extra_metadata, created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9)
            """,
            [id, s.OrganizationId, t.CustomerId, a.Amount!.Value, a.Currency ?? "USD", a.CreditType ?? "goodwill",
             SqlArg.Text(a.Reason), SqlArg.Jsonb(metadata), t.ApproverId], ct);
        var after = new JsonObject
        {
            ["customer_id"] = t.CustomerId.ToString(), ["amount"] = a.Amount, ["currency"] = a.Currency, ["credit_type"] = a.CreditType,
            ["reason"] = a.Reason, ["approval_id"] = t.ApprovalId.ToString(),
        };
        await AuditWriter.WriteAsync(s, "credits", id, "create", new JsonObject { ["after"] = after }, ct);
        return new JsonObject { ["credit_id"] = id.ToString(), ["amount"] = a.Amount, ["currency"] = a.Currency, ["credit_type"] = a.CreditType };
    }

    private static async Task<JsonObject> TaskAsync(TenantSession s, ProposedAction a, ActionTarget t, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var assignee = t.RequestedBy ?? t.ApproverId;
        var task = new JsonObject
        {
            ["title"] = a.Title, ["due_date"] = a.DueDate?.ToString("yyyy-MM-dd"), ["status"] = "open", ["assignee_id"] = assignee.ToString(),
        };
        var content = a.Title + (string.IsNullOrWhiteSpace(a.Description) ? "" : "\n\n" + a.Description);
        await s.ExecuteAsync("""
            INSERT INTO customer_notes (id, organization_id, customer_id, note_type, content, is_internal, visibility, author_id, extra_metadata, created_by, updated_by)
            VALUES ($1, $2, $3, 'task', $4, true, 'team', $5, $6, $7, $7)
            """,
            [id, s.OrganizationId, t.CustomerId, content!, assignee,
             SqlArg.Jsonb(new JsonObject { ["task"] = task, ["approval_id"] = t.ApprovalId.ToString(), ["source"] = "copilot" }),
             t.ApproverId], ct);
        await AuditWriter.WriteAsync(s, "customer_notes", id, "create", new JsonObject
        {
            ["after"] = new JsonObject { ["note_type"] = "task", ["content"] = content, ["task"] = task.DeepClone(), ["approval_id"] = t.ApprovalId.ToString() },
        }, ct);
        return new JsonObject { ["customer_note_id"] = id.ToString(), ["title"] = a.Title, ["due_date"] = task["due_date"]?.DeepClone() };
    }

    private async Task<ActionOutcome> MeetingAsync(TenantSession s, ProposedAction a, ActionTarget t, CancellationToken ct)
    {
        if (a.Start is not { } start) throw new CopilotActionException("the meeting proposal has no start time");
        var owner = await MeetingSlotPicker.OwnerAsync(s, t.RequestedBy, ct);
        var booked = await scheduler.BookAsync(s, new BookingRequest(start, a.AttendeeEmail!, a.AttendeeName, a.Title, a.DurationMinutes, a.Description,
            CustomerId: t.CustomerId, SessionId: t.SessionId, Owner: owner, Source: "copilot"), ct);
        var result = new JsonObject
        {
            ["meeting_id"] = booked.MeetingId.ToString(), ["start"] = booked.When.Start.ToString("O"), ["end"] = booked.When.End.ToString("O"),
            ["timezone"] = booked.TimeZone, ["calendar_event_id"] = booked.CalendarEventId, ["meeting_url"] = booked.MeetingUrl, ["calendar"] = booked.Owner.Key,
        };
        return new ActionOutcome(result, c => scheduler.CancelEventAsync(s, booked, c));
    }
}
