using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Support;

/// <summary>
/// The tenant's ticket conversation through the API: GET and POST /api/v1/support_tickets/{id}/comments.
/// Tickets themselves are the generic resource (POST /api/v1/support_tickets); staff replies come
/// back here signed "Clientele support", internal notes never (RLS).
/// </summary>
public static class SupportApi
{
    public sealed record CommentRequest(string? Comment);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/support_tickets/{id}/comments").WithTags("support_tickets");
        g.MapGet("/", List).WithName("ListSupportTicketComments").WithSummary("The ticket's conversation, oldest first: your comments and Clientele support's replies");
        g.MapPost("/", Create).WithName("CreateSupportTicketComment").WithSummary("Add a comment as the key's user (reopens a resolved ticket)");
    }

    private static async Task<IResult> List(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var ticketId = ParseId(id);
        await using var s = sessions.Open(tenant);
        if (await SupportThreads.TicketAsync(s, ticketId, ctx.RequestAborted) is null) throw ProblemException.NotFound($"No support ticket with id {id}.");
        var comments = await SupportThreads.CommentsAsync(s, ticketId, ctx.RequestAborted);
        var data = new JsonArray(comments.Select(c => (JsonNode)c.ToJson()).ToArray());
        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false, ["next_cursor"] = null });
    }

    private static async Task<IResult> Create(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var ticketId = ParseId(id);
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role cannot comment on support tickets.");
        var req = await JsonBody.ReadAsync<CommentRequest>(ctx);
        await using var s = sessions.Open(tenant);
        var (outcome, commentId) = await SupportDesk.CommentAsync(s, tenant.UserId, ticketId, req.Comment, ctx.RequestAborted);
        outcome.ThrowIfRefused();
        await s.CommitAsync(ctx.RequestAborted);
        var comment = (await SupportThreads.CommentsAsync(s, ticketId, ctx.RequestAborted)).Single(c => c.Id == commentId);
        return Results.Json(comment.ToJson(), statusCode: 201);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No support ticket with id {id}.");
}
