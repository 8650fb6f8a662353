using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Support;

/// <summary>
/// The tenant's side of support (console /app/support and the API): open a ticket, comment on it.
/// A comment on a resolved ticket, or one that waited on the customer, opens it again.
/// </summary>
public static class SupportDesk
{
    public static async Task<(Guid? Id, Dictionary<string, string[]> Errors)> OpenAsync(TenantSession s, Guid? userId, string? subject, string? description, string? priority, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        subject = subject?.Trim();
        description = description?.Trim();
        priority = string.IsNullOrWhiteSpace(priority) ? "medium" : priority.Trim();
        if (string.IsNullOrEmpty(subject)) errors["subject"] = ["Give the ticket a subject."];
        else if (subject.Length > 255) errors["subject"] = ["Keep the subject under 255 characters."];
        if (SupportThreads.CommentError(description) is { } d) errors["description"] = [d];
        if (!SupportThreads.Priorities.Contains(priority)) errors["priority"] = ["Choose low, medium, high or urgent."];
        if (errors.Count > 0) return (null, errors);
        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO support_tickets (id, organization_id, user_id, subject, description, priority, status)
            VALUES ($1, $2, $3, $4, $5, $6, 'open')
            """, [id, s.OrganizationId, SqlArg.Uuid(userId), subject, description, priority], ct);
        return (id, errors);
    }

    /// <summary>A user's comment (never internal). Returns the comment's id, or the refusal.</summary>
    public static async Task<(ActionOutcome Outcome, Guid? Id)> CommentAsync(TenantSession s, Guid? userId, Guid ticketId, string? text, CancellationToken ct)
    {
        if (userId is not { } user) return (ActionOutcome.Invalid("comment", "A comment needs a person: use a key that belongs to a user."), null);
        if (SupportThreads.CommentError(text) is { } error) return (ActionOutcome.Invalid("comment", error), null);
        var status = await s.QueryFirstAsync("SELECT status FROM support_tickets WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, ticketId], r => r.GetString(0), ct);
        if (status is null) return (ActionOutcome.Missing("There is no such support ticket."), null);
        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO support_ticket_comments (id, organization_id, ticket_id, author_type, author_id, comment, is_internal)
            VALUES ($1, $2, $3, 'user', $4, $5, false)
            """, [id, s.OrganizationId, ticketId, user, text!.Trim()], ct);
        if (status is "resolved" or "closed" or "waiting_on_customer")
            await s.ExecuteAsync("UPDATE support_tickets SET status = 'open', resolved_at = NULL WHERE organization_id = $1 AND id = $2", [s.OrganizationId, ticketId], ct);
        return (ActionOutcome.Done, id);
    }
}
