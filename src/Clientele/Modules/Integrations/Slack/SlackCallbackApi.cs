using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// GET /oauth/slack/callback?code=…&amp;state=… (public: the browser arrives from Slack's consent
/// screen). The signed state says which organization and user; the code is exchanged with
/// oauth.v2.access and the bot token (and the user token, if any) stored encrypted with Data
/// Protection. A browser is sent back to /app/settings/slack (?connected=1 or ?error=code); a
/// client asking for JSON gets the connection or a problem. Nothing is stored on any error.
/// </summary>
public static class SlackCallbackApi
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(SlackOptions.CallbackPath, Callback).AllowAnonymous().RequireRateLimiting("anonymous")
            .WithTags("Slack").WithName("SlackOAuthCallback")
            .WithSummary("Slack's OAuth redirect: verifies state, exchanges the code with oauth.v2.access, stores the tokens (encrypted)");

    /// <summary>The ?error= codes the settings page explains.</summary>
    public static readonly IReadOnlyDictionary<string, string> Errors = new Dictionary<string, string>
    {
        ["state"] = "The connect link was invalid or older than 10 minutes; click Add to Slack again.",
        ["denied"] = "Slack was not connected because access was declined.",
        ["code"] = "Slack rejected the authorization; click Add to Slack again.",
        ["unavailable"] = "Slack could not be reached; try again in a moment.",
        ["config"] = "Slack is not configured on this server (Slack__ClientId, Slack__ClientSecret).",
    };

    private sealed class Failure(int status, string code, string detail) : Exception(detail)
    {
        public int Status { get; } = status;
        public string Code { get; } = code;
    }

    private static async Task<IResult> Callback(HttpContext ctx, SlackOAuthState states, SlackWebApi slack, SlackOptions options, TenantSessions sessions, BodyBinder secrets)
    {
        var q = ctx.Request.Query;
        try
        {
            var start = states.Read(q["state"]) ?? throw new Failure(400, "state", Errors["state"]);
            if (q["error"].ToString() is { Length: > 0 } error)
                throw new Failure(400, error == "access_denied" ? "denied" : "code", error == "access_denied" ? Errors["denied"] : $"Slack answered '{error}'; nothing was connected.");
            if (q["code"].ToString() is not { Length: > 0 } code) throw new Failure(400, "code", "Slack's redirect carries no authorization code.");
            if (!options.Configured) throw new Failure(503, "config", Errors["config"]);

            JsonObject grant;
            try { grant = await slack.ExchangeCodeAsync(code, start.RedirectUri, ctx.RequestAborted); }
            catch (SlackApiException e) when (!e.Transient) { throw new Failure(400, "code", $"Slack rejected the authorization code ({e.Error}); click Add to Slack again."); }
            catch (SlackApiException e) { throw new Failure(503, "unavailable", $"{Errors["unavailable"]} ({e.Error})"); }

            var bot = Str(grant["access_token"]);
            var teamId = Str(grant["team"]?["id"]);
            if (bot is null || teamId is null) throw new Failure(502, "code", "Slack's oauth.v2.access answer has no bot access_token or team id.");
            var scopes = (Str(grant["scope"]) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var metadata = new JsonObject
            {
                ["team_name"] = Str(grant["team"]?["name"]), ["bot_user_id"] = Str(grant["bot_user_id"]), ["app_id"] = Str(grant["app_id"]),
                ["enterprise_id"] = Str(grant["enterprise"]?["id"]),
            };
            var tenant = new TenantContext
            {
                OrganizationId = start.OrganizationId, UserId = start.UserId, Role = Roles.Member, ActorType = "user",
                IpAddress = ctx.Connection.RemoteIpAddress?.ToString(),
            };
            await using var s = sessions.Open(tenant);
            var userToken = Str(grant["authed_user"]?["access_token"]);
            var link = await SlackConnections.UpsertAsync(s, start.UserId, teamId, secrets.Protect(bot), userToken is null ? null : secrets.Protect(userToken), scopes,
                Str(grant["authed_user"]?["id"]), metadata, ctx.RequestAborted) ?? throw new Failure(400, "state", Errors["state"]);
            await AuditWriter.WriteAsync(s, "slack_connections", link.Id, "create",
                new JsonObject { ["team_id"] = teamId, ["team_name"] = link.TeamName, ["event"] = "slack_connected" }, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
            if (WantsJson(ctx)) return Results.Json(link.Describe([]));
            return Results.Redirect("/app/settings/slack?connected=1", permanent: false);
        }
        catch (Failure f)
        {
            if (WantsJson(ctx)) throw new ProblemException(f.Status, "Slack not connected", f.Message);
            return Results.Redirect("/app/settings/slack?error=" + f.Code);
        }
    }

    private static bool WantsJson(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("json", StringComparison.OrdinalIgnoreCase);

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
