using Clientele.Modules.Approvals;
using ActionOutcome = Clientele.Platform.Errors.ActionOutcome;
using Clientele.Modules.Sales;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Prospecting.Outreach;

/// <summary>
/// approve and discard of an outreach draft. Approve decides the draft's approvals row through the
/// queue's state machine (ApprovalDecisions: row lock, audit, activity), and the draft follows it
/// (migration 0111's trigger), exactly as when it is approved on /app/approvals. A draft made through
/// the plain resource API gets its approvals row on the way. Discard archives a draft not yet sent
/// and rejects its pending approval. Editing is a PATCH of content/subject while the draft waits.
/// </summary>
public sealed class ReviewDraft(ApprovalDecisions decisions)
{
    public sealed record Body(string? Comment);

    private sealed record Row(Guid ProspectId, string Type, string Status, string? Subject, Guid? ApprovalId);

    public async Task<ActionOutcome> ApproveAsync(TenantSession s, Guid id, string? comment, CancellationToken ct)
    {
        if (s.Tenant.UserId is null) throw ProblemException.Forbidden("Outreach is approved by a person, not an API key.");
        var row = await LockAsync(s, id, ct);
        if (row is null) return ActionOutcome.Missing($"No outreach draft with id {id}.");
        if (row.Status != "draft") return ActionOutcome.NotIn(row.Status, "only a draft waiting for review can be approved");
        var approval = row.ApprovalId;
        if (approval is null)
        {
            approval = await CreateDraft.RequestApprovalAsync(s, id, row.ProspectId, row.Type, null, row.Subject, ct);
            await s.ExecuteAsync("UPDATE outreach_drafts SET approval_id = $3 WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id, approval.Value], ct);
        }
        await decisions.ApproveAsync(s, approval.Value, Clean(comment), ct);
        return ActionOutcome.Done;
    }

    public async Task<ActionOutcome> DiscardAsync(TenantSession s, Guid id, string? comment, CancellationToken ct)
    {
        var row = await LockAsync(s, id, ct);
        if (row is null) return ActionOutcome.Missing($"No outreach draft with id {id}.");
        if (row.Status is "sent" or "archived") return ActionOutcome.NotIn(row.Status, "a sent or discarded draft cannot be discarded");
        var before = (await SalesRows.ReadAsync(s, "outreach_drafts", id, ct))!;
        if (row.ApprovalId is { } approval && s.Tenant.UserId is not null
            && await s.ScalarAsync<string>("SELECT status FROM approvals WHERE organization_id = $1 AND id = $2", [s.OrganizationId, approval], ct) == "pending")
            await decisions.RejectAsync(s, approval, Clean(comment) ?? "Discarded by the rep.", ct);
        await s.ExecuteAsync("UPDATE outreach_drafts SET status = 'archived', updated_at = now() WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id], ct);
        await SalesRows.UpdatedAsync(s, "outreach_drafts", id, before, ct);
        return ActionOutcome.Done;
    }

    private static string? Clean(string? comment) => string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()[..Math.Min(comment.Trim().Length, 1000)];

    private static Task<Row?> LockAsync(TenantSession s, Guid id, CancellationToken ct) => s.QueryFirstAsync(
        "SELECT prospect_id, draft_type, status, subject, approval_id FROM outreach_drafts WHERE organization_id = $1 AND id = $2 FOR UPDATE",
        [s.OrganizationId, id], r => new Row(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4)), ct);
}
