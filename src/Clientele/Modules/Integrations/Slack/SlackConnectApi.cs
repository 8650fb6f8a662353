using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// The caller's own Slack connection (one per user): GET status, GET authorize ("Add to Slack":
/// Slack's consent URL with a signed state), PUT the channel and the notification types, DELETE
/// (auth.revoke at Slack, best effort, then the row goes). The callback is SlackCallbackApi.
/// </summary>
public static class SlackConnectApi
{
    public sealed record SettingsRequest(string? ChannelId, string[]? NotificationTypes);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/integrations/slack").WithTags("Slack");
        g.MapGet("", Status).WithName("SlackStatus")
            .WithSummary("Your Slack connection: workspace, where notifications go (channel or DM), which types, the last delivery error; never the tokens");
        g.MapGet("/authorize", Authorize).WithName("SlackAuthorize")
            .WithSummary("Slack's \"Add to Slack\" URL for you (signed state, 10 minutes); Slack returns to /oauth/slack/callback");
        g.MapPut("", Update).WithName("SlackUpdate")
            .WithSummary("Where your notifications go (channel_id: C… or #name, empty for a DM) and which types (notification_types)");
        g.MapDelete("", Disconnect).WithName("SlackDisconnect")
            .WithSummary("Disconnect your Slack workspace: the token is revoked at Slack (best effort) and deleted");
    }

    internal static Guid UserOf(TenantContext tenant) =>
        tenant.UserId ?? throw ProblemException.Forbidden("A Slack connection belongs to a person: sign in, or use an API key that belongs to a user.");

    /// <summary>The consent URL; the console's "Add to Slack" redirects to it.</summary>
    public static string AuthorizationUrl(HttpRequest request, TenantContext tenant, SlackOptions options, SlackOAuthState states)
    {
        var user = UserOf(tenant);
        if (!options.Configured)
            throw new ProblemException(503, "Slack not configured", "Set Slack__ClientId and Slack__ClientSecret (docs/slack.md) to connect Slack.");
        var redirectUri = options.RedirectUri ?? (options.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}") + SlackOptions.CallbackPath;
        return QueryHelpers.AddQueryString(options.AuthorizeUrl.ToString(), new Dictionary<string, string?>
        {
            ["client_id"] = options.ClientId,
            ["scope"] = options.Scopes,
            ["redirect_uri"] = redirectUri,
            ["state"] = states.Issue(new SlackOAuthStart(tenant.OrganizationId, user, redirectUri)),
        });
    }

    private static IResult Authorize(HttpContext ctx, TenantContext tenant, SlackOptions options, SlackOAuthState states) =>
        Results.Json(new { authorization_url = AuthorizationUrl(ctx.Request, tenant, options, states), expires_in = (int)options.StateLifetime.TotalSeconds });

    private static async Task<IResult> Status(HttpContext ctx, TenantContext tenant, TenantSessions sessions, SlackOptions options)
    {
        var user = UserOf(tenant);
        await using var s = sessions.Open(tenant);
        var link = await SlackConnections.OfUserAsync(s, user, ctx.RequestAborted);
        var types = await SlackConnections.TypesAsync(s, user, ctx.RequestAborted);
        var body = link?.Describe(types) ?? new JsonObject { ["connected"] = false, ["notification_types"] = new JsonArray(types.Select(t => (JsonNode?)t).ToArray()) };
        body["configured"] = options.Configured;
        return Results.Json(body);
    }

    private static async Task<IResult> Update(HttpContext ctx, TenantContext tenant, TenantSessions sessions, SlackOptions options)
    {
        var user = UserOf(tenant);
        var req = await JsonBody.ReadAsync<SettingsRequest>(ctx);
        var types = (req.NotificationTypes ?? []).Select(t => t?.Trim() ?? "").Distinct().ToArray();
        if (SlackConnections.Check(req.ChannelId, types) is { Count: > 0 } errors) throw ProblemException.Validation(errors);
        await using var s = sessions.Open(tenant);
        var link = await SlackConnections.OfUserAsync(s, user, ctx.RequestAborted)
                   ?? throw ProblemException.NotFound("Slack is not connected for you; connect it first (GET /api/v1/integrations/slack/authorize).");
        await SlackConnections.SetChannelAsync(s, user, SlackConnections.NormalizeChannel(req.ChannelId), ctx.RequestAborted);
        if (req.NotificationTypes is not null) await SlackConnections.SetTypesAsync(s, user, types, ctx.RequestAborted);
        await AuditWriter.WriteAsync(s, "slack_connections", link.Id, "update",
            new JsonObject { ["channel_id"] = SlackConnections.NormalizeChannel(req.ChannelId), ["notification_types"] = new JsonArray(types.Select(t => (JsonNode?)t).ToArray()) }, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return await Status(ctx, tenant, sessions, options);
    }

    private static async Task<IResult> Disconnect(HttpContext ctx, TenantContext tenant, TenantSessions sessions, BodyBinder secrets, SlackWebApi slack)
    {
        var user = UserOf(tenant);
        await using (var s = sessions.Open(tenant))
        {
            var removed = await DisconnectAsync(s, user, ctx.RequestAborted) ?? throw ProblemException.NotFound("Slack is not connected for you.");
            await s.CommitAsync(ctx.RequestAborted);
            ctx.Response.Headers["X-Slack-Revoked"] = await RevokeAsync(slack, secrets, removed, ctx.RequestAborted) ? "true" : "false";
        }
        return Results.NoContent();
    }

    /// <summary>Deletes the user's connection (audited); the caller commits, then revokes.</summary>
    public static async Task<SlackLink?> DisconnectAsync(TenantSession s, Guid user, CancellationToken ct)
    {
        var removed = await SlackConnections.DeleteAsync(s, user, ct);
        if (removed is not null)
            await AuditWriter.WriteAsync(s, "slack_connections", removed.Id, "delete", new JsonObject { ["team_id"] = removed.TeamId, ["event"] = "slack_disconnected" }, ct);
        return removed;
    }

    /// <summary>auth.revoke with the removed bot token; false when Slack could not be told (the token is deleted here either way).</summary>
    public static async Task<bool> RevokeAsync(SlackWebApi slack, BodyBinder secrets, SlackLink removed, CancellationToken ct)
    {
        if (removed.BotCipher is null) return false;
        try
        {
            await slack.FormAsync("auth.revoke", secrets.Unprotect(removed.BotCipher), [], ct);
            return true;
        }
        catch (Exception e) when (e is SlackApiException or System.Security.Cryptography.CryptographicException) { return false; }
    }
}
