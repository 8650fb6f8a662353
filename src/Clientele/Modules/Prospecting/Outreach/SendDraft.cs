using System.Net;
using Clientele.Modules.Email;
using Clientele.Modules.Sales;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using MimeKit;

namespace Clientele.Modules.Prospecting.Outreach;

/// <summary>
/// send: only an approved draft (its approvals row approved) goes out. Email and event invitations
/// go through the SMTP relay (MailKit) before the transaction commits, so a refused mail changes
/// nothing; a LinkedIn message is sent by the rep in LinkedIn (no API allows it), and send records
/// that it was. Either way an interactions row is logged, the prospect's last_contacted_at is set
/// (a new or researching prospect becomes contacted) and the draft is sent.
/// </summary>
public static class SendDraft
{
    private sealed record Row(Guid ProspectId, Guid? EventId, string Type, string Status, string? Subject, string Content, string? ApprovalStatus,
        string Email, string Name, string ProspectStatus);

    /// <param name="relay">null only for the demo, which records its sends without a mail relay</param>
    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, SmtpRelay? relay, DateTime now, CancellationToken ct)
    {
        var row = await s.QueryFirstAsync("""
            SELECT d.prospect_id, d.event_id, d.draft_type, d.status, d.subject, d.content, a.status, p.email, p.full_name, p.status
            FROM outreach_drafts d
            JOIN prospects p ON p.organization_id = d.organization_id AND p.id = d.prospect_id
            LEFT JOIN approvals a ON a.organization_id = d.organization_id AND a.id = d.approval_id
            WHERE d.organization_id = $1 AND d.id = $2
            FOR UPDATE OF d
            """, [s.OrganizationId, id], r => new Row(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9)), ct);
        if (row is null) return ActionOutcome.Missing($"No outreach draft with id {id}.");
        if (row.Status != "approved" || row.ApprovalStatus is not ("approved" or "executed"))
            return ActionOutcome.NotIn(row.Status, row.Status == "draft" ? "it waits for approval in the review queue; approve it first" : "only an approved draft can be sent");
        var before = (await SalesRows.ReadAsync(s, "outreach_drafts", id, ct))!;
        var linkedIn = row.Type == "linkedin_message";
        var subject = row.Subject is { Length: > 0 } sub ? sub : linkedIn ? "LinkedIn message" : "Hello from us";

        var interaction = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO interactions (id, organization_id, prospect_id, event_id, interaction_type, interaction_date, subject, content, outcome)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [interaction, s.OrganizationId, row.ProspectId, SqlArg.Uuid(row.EventId), linkedIn ? "linkedin" : "email", now, subject, row.Content,
                linkedIn ? "Sent by the rep on LinkedIn" : "Sent by email"], ct);
        await SalesRows.CreatedAsync(s, "interactions", interaction, ct);
        var prospectBefore = (await SalesRows.ReadAsync(s, "prospects", row.ProspectId, ct))!;
        await s.ExecuteAsync("""
            UPDATE prospects SET last_contacted_at = $3, status = CASE WHEN status IN ('new', 'researching') THEN 'contacted' ELSE status END, updated_at = now()
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, row.ProspectId, now], ct);
        await SalesRows.UpdatedAsync(s, "prospects", row.ProspectId, prospectBefore, ct);
        await s.ExecuteAsync("UPDATE outreach_drafts SET status = 'sent', sent_at = $3, interaction_id = $4, updated_at = now() WHERE organization_id = $1 AND id = $2",
            [s.OrganizationId, id, now, interaction], ct);
        await SalesRows.UpdatedAsync(s, "outreach_drafts", id, before, ct);
        if (!linkedIn && relay is not null) await InvitationMail.DeliverAsync(relay, Compose(row, subject), ct);
        return ActionOutcome.Done;
    }

    private static MimeMessage Compose(Row row, string subject)
    {
        var html = string.Join("", row.Content.Split("\n\n").Select(p => $"<p>{WebUtility.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal)}</p>"));
        var message = SmtpRelay.Compose(new MailboxAddress(row.Name, row.Email), subject, row.Content, html);
        // A person wrote or approved it: not an automatic message, so replies and out-of-office answers are welcome.
        message.Headers.Remove("Auto-Submitted");
        return message;
    }
}
