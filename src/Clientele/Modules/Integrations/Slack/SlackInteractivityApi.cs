using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Approvals;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// POST /webhooks/slack/interactivity: Slack's Request URL for interactive components. The raw body
/// is checked against X-Slack-Signature (SlackSignature: v0, 5 minutes, constant time) before
/// anything is read; a bad, missing or stale signature is a 401 problem and nothing happens. A
/// block_actions payload (form field `payload`) whose button is Approve or Reject names the
/// organization and approval; the workspace must be connected to that organization, and the
/// clicking Slack user is mapped to a Clientele user of it by the email on their Slack profile
/// (users.info). The decision goes through ApprovalDecider (the console's code: roles, row lock,
/// "already approved by …"), and the message is replaced through response_url with the outcome.
/// Refusals (unknown user, viewer, not connected) are told to the clicking user only (ephemeral).
/// </summary>
public static class SlackInteractivityApi
{
    public const string Path = "/webhooks/slack/interactivity";
    /// <summary>The reason recorded on approvals rejected from Slack (Slack's buttons carry no comment).</summary>
    public const string RejectComment = "Rejected from Slack.";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Path, Receive).AllowAnonymous().DisableAntiforgery().WithTags("Webhooks").WithName("ReceiveSlackInteractivity")
            .WithSummary("Slack interactivity (Approve/Reject buttons), verified by X-Slack-Signature with Slack__SigningSecret");

    private sealed record Click(string TeamId, string SlackUserId, string? ResponseUrl, bool Approve, Guid OrganizationId, Guid ApprovalId);

    private static async Task<IResult> Receive(HttpContext ctx, SlackOptions options, AppDataSource app, TenantSessions sessions, SlackWebApi slack,
        BodyBinder secrets, ApprovalDecider decider, TimeProvider clock, ILoggerFactory logs)
    {
        var body = await JsonBody.ReadBytesAsync(ctx);
        var secret = options.SigningSecret
                     ?? throw new ProblemException(503, "Slack interactivity is not configured", "Set Slack__SigningSecret to the app's signing secret (docs/slack.md).");
        switch (SlackSignature.Verify(secret, ctx.Request.Headers["X-Slack-Request-Timestamp"], ctx.Request.Headers["X-Slack-Signature"], body, clock.GetUtcNow()))
        {
            case SlackSignature.Verdict.Stale:
                throw new ProblemException(401, "Stale Slack request", "X-Slack-Request-Timestamp is more than 5 minutes from now; the request may be a replay and was ignored.");
            case SlackSignature.Verdict.Missing or SlackSignature.Verdict.Mismatch:
                throw new ProblemException(401, "The Slack signature does not verify",
                    "X-Slack-Signature must be v0=<hex HMAC-SHA256 of \"v0:{timestamp}:{body}\"> with the app's signing secret, and X-Slack-Request-Timestamp the Unix time.");
        }

        var click = Parse(body);
        if (click is null) return Results.Json(new { ok = true, handled = false });
        var ct = ctx.RequestAborted;
        var log = logs.CreateLogger("Clientele.Slack.Interactivity");

        async Task<IResult> Refuse(string reason, string text)
        {
            await RespondAsync(slack, click.ResponseUrl, SlackMessages.Ephemeral(text), log, ct);
            return Results.Json(new { ok = true, handled = true, decided = false, reason });
        }

        // The workspace must be connected to the organization the button names.
        var connected = await ConnectedAsync(app, click.TeamId, click.OrganizationId, ct);
        if (!connected) return await Refuse("not_connected", "This Slack workspace is not connected to that Clientele organization.");

        var system = new TenantContext { OrganizationId = click.OrganizationId, Role = Roles.Owner, ActorType = "system" };
        (Guid Id, string Role, string Name)? person;
        string? email;
        await using (var s = sessions.Open(system))
        {
            var links = await SlackConnections.OfTeamAsync(s, click.TeamId, ct);
            email = null;
            foreach (var link in links)
            {
                try { email = await slack.EmailOfAsync(secrets.Unprotect(link.BotCipher!), click.SlackUserId, ct); break; }
                catch (SlackApiException e) when (!e.Transient) { log.LogWarning("users.info with connection {ConnectionId} failed: {Error}", link.Id, e.Error); }
                catch (System.Security.Cryptography.CryptographicException) { }
            }
            person = email is null ? null : await s.QueryFirstAsync<(Guid, string, string)?>("""
                SELECT id, role, coalesce(nullif(name, ''), email) FROM users
                WHERE id IN (SELECT clientele_ids_by_email('users', $2)) AND organization_id = $1 AND is_active AND deleted_at IS NULL
                """, [click.OrganizationId, email], r => (r.GetGuid(0), r.GetString(1), r.GetString(2)), ct);
            await s.CommitAsync(ct);
        }
        if (email is null) return await Refuse("unknown_user", "Clientele could not read the email of your Slack profile, so it cannot tell who you are. Decide in the console.");
        if (person is not { } who) return await Refuse("unknown_user", $"{email} is not an active Clientele user of this organization, so the decision was not taken.");

        var tenant = new TenantContext { OrganizationId = click.OrganizationId, UserId = who.Id, Role = who.Role, ActorType = "user" };
        DecisionResult result;
        try { result = await decider.DecideAsync(tenant, click.ApprovalId, click.Approve, click.Approve ? null : RejectComment, ct); }
        catch (ProblemException p) { return await Refuse(p.Status == 404 ? "not_found" : "refused", p.Status == 404 ? "This approval no longer exists." : p.Detail ?? p.Title); }

        var a = result.Approval;
        var title = "Approval: " + (a?.Action.Replace('_', ' ') ?? "action");
        var outcome = result.Applied ? $"{(click.Approve ? "Approved" : "Rejected")} by {who.Name} in Slack. {result.Message}" : result.Message;
        await RespondAsync(slack, click.ResponseUrl, SlackMessages.Decided(title, a?.Details ?? "", outcome), log, ct);
        return Results.Json(new { ok = true, handled = true, decided = result.Applied, status = a?.Status, message = result.Message });
    }

    /// <summary>The Approve/Reject click in a block_actions payload, or null for anything else (other interactions are acknowledged and ignored).</summary>
    private static Click? Parse(byte[] body)
    {
        var form = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));
        if (!form.TryGetValue("payload", out var raw) || raw.Count != 1) throw ProblemException.Validation("payload", "is required: Slack sends the interaction as a form field `payload` holding JSON");
        JsonNode? p;
        try { p = JsonNode.Parse(raw.ToString()); }
        catch (JsonException) { throw ProblemException.Validation("payload", "is not JSON"); }
        if (Str(p?["type"]) != "block_actions" || p?["actions"] is not JsonArray { Count: > 0 } actions) return null;
        var action = actions[0];
        var approve = Str(action?["action_id"]) switch { SlackMessages.ApproveAction => true, SlackMessages.RejectAction => false, _ => (bool?)null };
        if (approve is null) return null;
        var value = Str(action?["value"])?.Split(':');
        if (value is not [var o, var a] || !Guid.TryParse(o, out var org) || !Guid.TryParse(a, out var approval))
            throw ProblemException.Validation("payload", "the button's value must be {organization id}:{approval id}");
        var team = Str(p?["team"]?["id"]) ?? Str(p?["user"]?["team_id"]);
        var user = Str(p?["user"]?["id"]);
        if (team is null || user is null) throw ProblemException.Validation("payload", "must name the team (team.id) and the user (user.id)");
        return new Click(team, user, Str(p?["response_url"]), approve.Value, org, approval);
    }

    private static async Task<bool> ConnectedAsync(AppDataSource app, string teamId, Guid organization, CancellationToken ct)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT 1 FROM clientele_find_slack_connections($1) WHERE organization_id = $2 LIMIT 1");
        cmd.Parameters.AddWithValue(teamId);
        cmd.Parameters.AddWithValue(organization);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Best effort: the decision stands even when Slack's response_url cannot be reached.</summary>
    private static async Task RespondAsync(SlackWebApi slack, string? responseUrl, JsonObject message, ILogger log, CancellationToken ct)
    {
        if (responseUrl is null || !Uri.TryCreate(responseUrl, UriKind.Absolute, out _)) return;
        try { await slack.RespondAsync(responseUrl, message, ct); }
        catch (SlackApiException e) { log.LogWarning("Slack response_url failed: {Error}", e.Message); }
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
