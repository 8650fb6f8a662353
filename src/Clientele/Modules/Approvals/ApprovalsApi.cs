using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Approvals;

/// <summary>
/// POST /api/v1/approvals/{id}/approve {comment?} and /reject {comment}: a person with write access
/// (owner, admin or member, signed in or through their own API key) decides; viewers, read-only keys
/// and keys that belong to no user get 403. The CSM who asked the copilot may approve its proposal:
/// the requester is the copilot, and the human decision is the control. 409 when already decided,
/// 410 when expired, 404 for another tenant's approval.
/// </summary>
public static class ApprovalsApi
{
    public sealed record DecisionBody(string? Comment);

    public const int MaxCommentLength = 2000;

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/approvals/{id}").WithTags("Copilot");
        g.MapPost("/approve", Approve).WithName("ApproveAction")
            .WithSummary("Approve a pending action {comment?}: it runs now → 200 approval (executed with metadata.execution.result, or failed with the error); 409 decided; 410 expired");
        g.MapPost("/reject", Reject).WithName("RejectAction")
            .WithSummary("Reject a pending action {comment} → 200 approval (rejected, nothing runs); 409 decided");
    }

    private static void CheckDecider(TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot decide approvals.");
        if (tenant.UserId is null) throw ProblemException.Forbidden("Approvals are decided by a person: use a user's session or an API key that belongs to a user.");
    }

    private static async Task<DecisionBody> BodyAsync(HttpContext ctx, bool commentRequired)
    {
        var raw = await JsonBody.ReadBytesAsync(ctx);
        DecisionBody body;
        try
        {
            body = raw.Length == 0 ? new DecisionBody(null) : System.Text.Json.JsonSerializer.Deserialize<DecisionBody>(raw, JsonBody.Options) ?? new DecisionBody(null);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw ProblemException.BadRequest($"The request body must be a JSON object like {{\"comment\": \"...\"}}: {e.Message}");
        }
        var comment = body.Comment?.Trim();
        if (commentRequired && string.IsNullOrEmpty(comment)) throw ProblemException.Validation("comment", "is required: say why the action is rejected");
        if (comment is { Length: > MaxCommentLength }) throw ProblemException.Validation("comment", $"must be at most {MaxCommentLength} characters");
        return new DecisionBody(string.IsNullOrEmpty(comment) ? null : comment);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No approval with id {id}.");

    private static async Task<IResult> Approve(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry,
        ResourceStore store, ApprovalDecisions decisions, ILogger<ApprovalDecisions> logger)
    {
        CheckDecider(tenant);
        var body = await BodyAsync(ctx, commentRequired: false);
        var guid = ParseId(id);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var undo = await decisions.ApproveAsync(s, guid, body.Comment, ct);
        var row = await store.GetAsync(s, registry.Find("approvals")!, guid, [], false, ct);
        try
        {
            await s.CommitAsync(ct);
        }
        catch (Exception e) when (undo is not null)
        {
            // The action reached outside (a calendar event) but its record did not commit: take it back.
            logger.LogWarning(e, "approval {ApprovalId} could not be committed; undoing its outside effect", guid);
            try { await undo(CancellationToken.None); }
            catch (Exception cleanup) { logger.LogError(cleanup, "approval {ApprovalId}: the outside effect could not be undone", guid); }
            throw;
        }
        return new JsonBytesResult(row.Json, 200, row.ETag);
    }

    private static async Task<IResult> Reject(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, ResourceRegistry registry,
        ResourceStore store, ApprovalDecisions decisions)
    {
        CheckDecider(tenant);
        var body = await BodyAsync(ctx, commentRequired: true);
        var guid = ParseId(id);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        await decisions.RejectAsync(s, guid, body.Comment!, ct);
        var row = await store.GetAsync(s, registry.Find("approvals")!, guid, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(row.Json, 200, row.ETag);
    }
}
