using Clientele.Platform.Database;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Conversations;

/// <summary>The operator's actions on a conversation over the API (the console inbox uses the same ConversationActions).</summary>
public static class ConversationsApi
{
    public sealed record SendRequest(string? Content);
    public sealed record AssignRequest(Guid? UserId);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/conversations/{id}").WithTags("Conversations");
        g.MapPost("/messages", Send).WithName("SendConversationMessage").WithSummary("Send a message as a human operator on the conversation's channel");
        g.MapPost("/close", Close).WithName("CloseConversation");
        g.MapPost("/reopen", Reopen).WithName("ReopenConversation");
        g.MapPost("/assign", Assign).WithName("AssignConversation").WithSummary("Assign to a user (null unassigns); assigned conversations get no automatic replies");
    }

    private static async Task<IResult> Send(string id, HttpContext ctx, TenantContext tenant, ConversationActions actions)
    {
        var req = await JsonBody.ReadAsync<SendRequest>(ctx);
        var message = await actions.SendAsync(tenant, id, req.Content, ctx.RequestAborted);
        return new JsonBytesResult(message.Json, 201, message.ETag, $"/api/v1/messages/{message.Id}");
    }

    private static async Task<IResult> Close(string id, HttpContext ctx, TenantContext tenant, ConversationActions actions) =>
        Ok(await actions.CloseAsync(tenant, id, ctx.RequestAborted));

    private static async Task<IResult> Reopen(string id, HttpContext ctx, TenantContext tenant, ConversationActions actions) =>
        Ok(await actions.ReopenAsync(tenant, id, ctx.RequestAborted));

    private static async Task<IResult> Assign(string id, HttpContext ctx, TenantContext tenant, ConversationActions actions)
    {
        var req = await JsonBody.ReadAsync<AssignRequest>(ctx);
        return Ok(await actions.AssignAsync(tenant, id, req.UserId, ctx.RequestAborted));
    }

    private static JsonBytesResult Ok(ResourceResult r) => new(r.Json, 200, r.ETag);
}
