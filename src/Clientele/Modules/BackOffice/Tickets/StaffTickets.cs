using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Modules.Support;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.BackOffice.Tickets;

/// <summary>
/// The staff's side of support tickets: the queue of every organization, a ticket's whole
/// conversation (internal notes included), replies (emailed to the tenant through the outbox and
/// SupportReplyEmailJob), internal notes (never shown or mailed to the tenant), status, priority and
/// assignment. Every action is in admin_audit_logs in the same transaction.
/// </summary>
public sealed class StaffTickets(StaffData data, Outbox outbox, SmtpRelay relay)
{
    public sealed record QueueRow(Guid Id, Guid OrganizationId, string Organization, string Subject, string Priority, string Status,
        Guid? AssignedTo, DateTime CreatedAt, DateTime? ResolvedAt, DateTime? LastCommentAt, long Comments);

    public sealed record Assignee(Guid Id, string Name);

    public async Task<List<QueueRow>> QueueAsync(StaffMember staff, string? status, bool mine, CancellationToken ct)
    {
        await using var tx = await data.BeginAsync(staff, ct);
        return await tx.QueryAsync("SELECT * FROM clientele_staff_tickets($1, $2, 500)",
            [SqlArg.Text(status == "all" ? null : status ?? "active"), SqlArg.Uuid(mine ? staff.Id : null)],
            r => new QueueRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetGuid(6), r.GetDateTime(7), r.IsDBNull(8) ? null : r.GetDateTime(8), r.IsDBNull(9) ? null : r.GetDateTime(9), r.GetInt64(10)), ct);
    }

    /// <summary>Active staff who may answer tickets (the assignment choices).</summary>
    public async Task<List<Assignee>> AssigneesAsync(StaffMember staff, CancellationToken ct)
    {
        await using var tx = await data.BeginAsync(staff, ct);
        return await tx.QueryAsync("SELECT id, full_name FROM admin_users WHERE is_active AND admin_role IN ('super_admin', 'admin', 'support') ORDER BY full_name, id",
            [], r => new Assignee(r.GetGuid(0), r.GetString(1)), ct);
    }

    public async Task<(SupportThreads.Ticket Ticket, List<SupportThreads.Comment> Comments)?> ThreadAsync(StaffMember staff, Guid ticketId, CancellationToken ct)
    {
        if (await OrganizationOfAsync(staff, ticketId, ct) is not { } org) return null;
        await using var s = await data.OrganizationAsync(staff, org, ct);
        var ticket = await SupportThreads.TicketAsync(s, ticketId, ct);
        return ticket is null ? null : (ticket, await SupportThreads.CommentsAsync(s, ticketId, ct));
    }

    public async Task<ActionOutcome> ReplyAsync(StaffMember staff, Guid ticketId, string? text, bool isInternal, CancellationToken ct)
    {
        if (SupportThreads.CommentError(text) is { } error) return ActionOutcome.Invalid("comment", error);
        if (await OrganizationOfAsync(staff, ticketId, ct) is not { } org) return ActionOutcome.Missing("There is no such ticket.");
        await using var s = await data.OrganizationAsync(staff, org, ct);
        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO support_ticket_comments (id, organization_id, ticket_id, author_type, author_id, comment, is_internal)
            VALUES ($1, $2, $3, 'admin', $4, $5, $6)
            """, [id, org, ticketId, staff.Id, text!.Trim(), isInternal], ct);
        if (!isInternal && relay.Configured)
            await outbox.EnqueueAsync(s, SupportReplyEmailJob.TopicName, new SupportReplyEmailJob.Payload(id, ticketId), ct);
        var conn = await s.BeginAsync(ct);
        await StaffAudit.WriteAsync(conn, s.Transaction, staff.Id, staff.Ip, isInternal ? "ticket.note_added" : "ticket.replied", "support_tickets", ticketId,
            new JsonObject { ["comment_id"] = id.ToString(), ["organization_id"] = org.ToString() }, ct);
        await s.CommitAsync(ct);
        return ActionOutcome.Done;
    }

    /// <summary>Status (resolved_at follows it), priority and assignee, each only when it changes.</summary>
    public async Task<ActionOutcome> UpdateAsync(StaffMember staff, Guid ticketId, string? status, string? priority, Guid? assignee, CancellationToken ct)
    {
        if (status is null || !SupportThreads.Statuses.Contains(status)) return ActionOutcome.Invalid("status", "Choose a status from the list.");
        if (priority is null || !SupportThreads.Priorities.Contains(priority)) return ActionOutcome.Invalid("priority", "Choose low, medium, high or urgent.");
        if (assignee is { } a && !(await AssigneesAsync(staff, ct)).Any(x => x.Id == a)) return ActionOutcome.Invalid("assigned_to", "Choose an active support, admin or super_admin member.");
        if (await OrganizationOfAsync(staff, ticketId, ct) is not { } org) return ActionOutcome.Missing("There is no such ticket.");
        await using var s = await data.OrganizationAsync(staff, org, ct);
        var before = await s.QueryFirstAsync("SELECT status, priority, assigned_to FROM support_tickets WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [org, ticketId], r => (Status: r.GetString(0), Priority: r.GetString(1), AssignedTo: r.IsDBNull(2) ? (Guid?)null : r.GetGuid(2)), ct);
        if (before.Status is null) return ActionOutcome.Missing("There is no such ticket.");
        var changes = new JsonObject();
        if (before.Status != status) changes["status"] = new JsonObject { ["from"] = before.Status, ["to"] = status };
        if (before.Priority != priority) changes["priority"] = new JsonObject { ["from"] = before.Priority, ["to"] = priority };
        if (before.AssignedTo != assignee) changes["assigned_to"] = new JsonObject { ["from"] = before.AssignedTo?.ToString(), ["to"] = assignee?.ToString() };
        if (changes.Count == 0) return ActionOutcome.Done;
        await s.ExecuteAsync("""
            UPDATE support_tickets SET status = $3, priority = $4, assigned_to = $5,
                   resolved_at = CASE WHEN $3 IN ('resolved', 'closed') THEN coalesce(resolved_at, now()) END
            WHERE organization_id = $1 AND id = $2
            """, [org, ticketId, status, priority, SqlArg.Uuid(assignee)], ct);
        var conn = await s.BeginAsync(ct);
        await StaffAudit.WriteAsync(conn, s.Transaction, staff.Id, staff.Ip, "ticket.updated", "support_tickets", ticketId, changes, ct);
        await s.CommitAsync(ct);
        return ActionOutcome.Done;
    }

    private async Task<Guid?> OrganizationOfAsync(StaffMember staff, Guid ticketId, CancellationToken ct)
    {
        await using var tx = await data.BeginAsync(staff, ct);
        return (await tx.QueryAsync("SELECT clientele_staff_ticket_organization($1)", [ticketId], r => r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), ct)).FirstOrDefault();
    }
}
