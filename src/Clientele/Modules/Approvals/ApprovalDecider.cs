using System.Globalization;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Approvals;

/// <summary>What a decision from the queue came to, in words for the person who made it.</summary>
public sealed record DecisionResult(bool Applied, string Message, QueuedApproval? Approval);

/// <summary>
/// Approve or reject from the console through the copilot's state machine (ApprovalDecisions:
/// the row is locked, so of two people deciding at once one wins). The loser is told who decided
/// and how ("already approved by Maya Lopez"), not shown an error; an expired one says so.
/// </summary>
public sealed class ApprovalDecider(TenantSessions sessions, ApprovalDecisions decisions, ILogger<ApprovalDecider> logger)
{
    public async Task<DecisionResult> DecideAsync(TenantContext tenant, Guid id, bool approve, string? comment, CancellationToken ct)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role cannot decide approvals.");
        if (tenant.UserId is null) throw ProblemException.Forbidden("Approvals are decided by a person.");
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (!approve && text is null) throw ProblemException.Validation("comment", "is required: say why the action is rejected");
        if (text is { Length: > ApprovalsApi.MaxCommentLength }) throw ProblemException.Validation("comment", $"must be at most {ApprovalsApi.MaxCommentLength} characters");
        try
        {
            await using (var s = sessions.Open(tenant))
            {
                if (approve)
                {
                    var undo = await decisions.ApproveAsync(s, id, text, ct);
                    try { await s.CommitAsync(ct); }
                    catch (Exception e) when (undo is not null)
                    {
                        logger.LogWarning(e, "approval {ApprovalId} could not be committed; undoing its outside effect", id);
                        try { await undo(CancellationToken.None); }
                        catch (Exception cleanup) { logger.LogError(cleanup, "approval {ApprovalId}: the outside effect could not be undone", id); }
                        throw;
                    }
                }
                else
                {
                    await decisions.RejectAsync(s, id, text!, ct);
                    await s.CommitAsync(ct);
                }
            }
            var after = await ReadAsync(tenant, id, ct);
            var message = after?.Status switch
            {
                "executed" => "Approved: the action ran.",
                "failed" => "Approved, but the action failed; see the error below.",
                "rejected" => "Rejected.",
                _ => "Approved.",
            };
            return new DecisionResult(true, message, after);
        }
        catch (ProblemException p) when (p.Status is 409 or 410)
        {
            var now = await ReadAsync(tenant, id, ct);
            return new DecisionResult(false, AlreadyDecided(now, p), now);
        }
    }

    private async Task<QueuedApproval?> ReadAsync(TenantContext tenant, Guid id, CancellationToken ct)
    {
        await using var s = sessions.Open(tenant);
        return await ApprovalQueue.FindAsync(s, id, ct);
    }

    /// <summary>"Already approved by Maya Lopez at 2026-12-02 04:10 UTC." (or expired, or the state machine's own words).</summary>
    public static string AlreadyDecided(QueuedApproval? a, ProblemException p)
    {
        if (a is null) return p.Detail ?? p.Title;
        if (a.Status == "expired") return "This action expired before anyone decided it; ask the copilot again for a fresh proposal.";
        var verb = a.Status switch { "executed" or "failed" or "approved" => "approved", _ => a.Status };
        var by = a.ResolvedBy is { } who ? $" by {who}" : "";
        var at = a.ResolvedAt is { } t ? " at " + t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";
        return $"Already {verb}{by}{at}.";
    }
}
