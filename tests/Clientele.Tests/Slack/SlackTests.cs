using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Slack;

/// <summary>Slack (issue 13 item 4) against a fake Slack Web API on loopback: OAuth connect, delivery of chosen types, approvals decided from signed interactivity requests.</summary>
public sealed class SlackTests(SlackFixture f) : IClassFixture<SlackFixture>
{
    private FakeSlack Slack => f.Slack;

    private async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await f.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    private static Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> PutAsync(HttpClient c, object body) =>
        c.SendAsync(HttpMethod.Put, "/api/v1/integrations/slack", body);

    private async Task NotifyAsync(AppFixture.Tenant t, string category, string title)
    {
        await using var s = f.App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner, ActorType = "system" });
        await NotificationDispatcher.NotifyAsync(s, [t.UserId], [], "info", category, title, $"{title}: the details & more.", new JsonObject(), CancellationToken.None, "/app/inbox");
        await s.CommitAsync();
    }

    private Task<JsonObject> MessageAsync(string channel, string titlePart) => Eventually.GetAsync(
        () => Task.FromResult(Slack.AcceptedSnapshot().FirstOrDefault(m => m["channel"]?.GetValue<string>() == channel && m["text"]!.GetValue<string>().Contains(titlePart))),
        m => m is not null, what: $"a Slack message '{titlePart}' to {channel}")!;

    private async Task<(HttpStatusCode Status, JsonNode? Json)> SendAsync(HttpRequestMessage req)
    {
        using var http = f.Client();
        using var res = await http.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        if (res.StatusCode != HttpStatusCode.OK && res.StatusCode != HttpStatusCode.Unauthorized)
            throw new ShouldAssertException($"unexpected {res.StatusCode}: {text}");
        if (res.StatusCode == HttpStatusCode.Unauthorized) res.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return (res.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static JsonObject Button(string actionId, string value) =>
        new() { ["action_id"] = actionId, ["block_id"] = "approval", ["type"] = "button", ["value"] = value, ["action_ts"] = "1700000001.000200" };

    private Task<string?> StatusOfAsync(Guid approval) => ScalarAsync<string>("SELECT status FROM approvals WHERE id = $1", approval);

    // ---- OAuth -------------------------------------------------------------------------------

    [Fact]
    public async Task Add_to_Slack_exchanges_the_code_and_stores_the_tokens_encrypted()
    {
        var t = await f.SignupAsync();
        var url = await f.AuthorizationUrlAsync(t.Http);
        url.GetLeftPart(UriPartial.Path).ShouldBe(new Uri(Slack.BaseAddress, "oauth/v2/authorize").ToString());
        var q = QueryHelpers.ParseQuery(url.Query);
        q["client_id"].ToString().ShouldBe(FakeSlack.ClientId);
        q["scope"].ToString().Split(',').ShouldContain("chat:write");
        q["scope"].ToString().Split(',').ShouldContain("users:read.email");
        q["redirect_uri"].ToString().ShouldBe(new Uri(f.BaseAddress, "/oauth/slack/callback").ToString());

        // A forged state stores nothing, and the browser lands on the settings page with the reason.
        var forged = new Uri(f.BaseAddress, "/oauth/slack/callback?code=x&state=not-a-state");
        var (fs, _, flocation) = await SlackFixture.CallbackAsync(forged, json: false);
        fs.ShouldBe(HttpStatusCode.Redirect);
        flocation!.ToString().ShouldBe("/app/settings/slack?error=state");
        var (js, jbody, _) = await SlackFixture.CallbackAsync(forged, json: true);
        js.ShouldBe(HttpStatusCode.BadRequest, jbody);

        Slack.NextInstall = new FakeSlack.Install("TACME" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant(), "Acme Corp", "UINSTALLER1");
        var callback = await SlackFixture.ConsentAsync(url);
        callback.AbsolutePath.ShouldBe("/oauth/slack/callback");
        var (status, _, location) = await SlackFixture.CallbackAsync(callback, json: false);
        status.ShouldBe(HttpStatusCode.Redirect);
        location!.ToString().ShouldBe("/app/settings/slack?connected=1");

        // The exchange used Slack's documented form: the code and redirect_uri, client credentials by HTTP Basic.
        var exchange = Slack.CallsTo("/api/oauth.v2.access").Last();
        exchange.Form["code"].ShouldStartWith("code-");
        exchange.Form["redirect_uri"].ShouldBe(q["redirect_uri"].ToString());
        exchange.Authorization!.ShouldStartWith("Basic ");

        // Stored: the workspace, the installer, the bot token as Data Protection ciphertext of a token Slack issued.
        await using (var db = await f.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("SELECT team_id, bot_token, slack_user_id, metadata->>'team_name', scopes FROM slack_connections WHERE organization_id = $1", db))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync();
            (await r.ReadAsync()).ShouldBeTrue();
            r.GetString(0).ShouldBe(Slack.NextInstall.TeamId);
            var cipher = r.GetString(1);
            cipher.ShouldNotStartWith("xoxb-");
            Slack.IsBotToken(f.App.Services.GetRequiredService<BodyBinder>().Unprotect(cipher)).ShouldBeTrue();
            r.GetString(2).ShouldBe("UINSTALLER1");
            r.GetString(3).ShouldBe("Acme Corp");
            r.GetFieldValue<string[]>(4).ShouldContain("users:read.email");
            (await r.ReadAsync()).ShouldBeFalse();
        }

        // The API describes the connection and never returns a token.
        var me = await t.Http.GetJsonAsync("/api/v1/integrations/slack");
        me.Json!["connected"]!.GetValue<bool>().ShouldBeTrue();
        me.Json["team_name"]!.GetValue<string>().ShouldBe("Acme Corp");
        me.Json["delivers_to"]!.GetValue<string>().ShouldBe("dm");
        me.Json.ToJsonString().ShouldNotContain("xoxb");
        (await t.Http.GetJsonAsync("/api/v1/slack_connections")).Json!.ToJsonString().ShouldNotContain("xoxb");

        // A code is good once: replaying the redirect is refused and changes nothing.
        var (again, againBody, _) = await SlackFixture.CallbackAsync(callback, json: true);
        again.ShouldBe(HttpStatusCode.BadRequest, againBody);
        againBody.ShouldContain("invalid_code");
        (await ScalarAsync<long>("SELECT count(*) FROM slack_connections WHERE organization_id = $1", t.OrganizationId)).ShouldBe(1);

        // Disconnect: revoked at Slack, the row gone.
        var bot = f.App.Services.GetRequiredService<BodyBinder>().Unprotect((await ScalarAsync<string>("SELECT bot_token FROM slack_connections WHERE organization_id = $1", t.OrganizationId))!);
        var gone = await t.Http.DeleteAsync2("/api/v1/integrations/slack");
        gone.Status.ShouldBe(HttpStatusCode.NoContent);
        gone.Response.Headers.GetValues("X-Slack-Revoked").Single().ShouldBe("true");
        Slack.IsBotToken(bot).ShouldBeFalse();
        (await ScalarAsync<long>("SELECT count(*) FROM slack_connections WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        (await t.Http.DeleteAsync2("/api/v1/integrations/slack")).ShouldBeProblem(404);
    }

    // ---- delivery ----------------------------------------------------------------------------

    [Fact]
    public async Task Chosen_types_are_posted_to_the_channel_and_others_are_not()
    {
        var t = await f.SignupAsync();
        var install = await f.ConnectAsync(t.Http, t.Email);
        // Bad input is a problem and changes nothing.
        (await PutAsync(t.Http, new { channel_id = "general channel", notification_types = new[] { "lead_hot" } })).ShouldBeProblem(422, "channel_id");
        (await PutAsync(t.Http, new { channel_id = "#cs-alerts", notification_types = new[] { "lead_hot", "gossip" } })).ShouldBeProblem(422, "notification_types");
        (await ScalarAsync<long>("SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND slack_enabled", t.UserId)).ShouldBe(0);

        var saved = await PutAsync(t.Http, new { channel_id = "#cs-alerts", notification_types = new[] { "lead_hot" } });
        saved.Status.ShouldBe(HttpStatusCode.OK, saved.Json?.ToJsonString());
        saved.Json!["notification_types"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["lead_hot"]);

        await NotifyAsync(t, "billing", "Invoice overdue at Acme");
        await NotifyAsync(t, "lead_hot", "Hot lead: Bruno <CEO>");
        var message = await MessageAsync("#cs-alerts", "Hot lead: Bruno");
        // Block Kit: the title in bold (mrkdwn-escaped), no buttons for a non-approval.
        var blocks = message["blocks"]!.AsArray();
        blocks[0]!["type"]!.GetValue<string>().ShouldBe("section");
        blocks[0]!["text"]!["text"]!.GetValue<string>().ShouldBe("*Hot lead: Bruno &lt;CEO&gt;*\nHot lead: Bruno &lt;CEO&gt;: the details &amp; more.");
        blocks.ShouldNotContain(b => b!["type"]!.GetValue<string>() == "actions");
        Slack.CallsTo("/api/chat.postMessage").ShouldAllBe(c => c.Authorization!.StartsWith("Bearer xoxb-"));

        // The unchosen type was not posted: its email was queued, nothing for Slack is left, and no message says it.
        await Eventually.GetAsync(() => ScalarAsync<long>("SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic = 'notifications.slack' AND processed_at IS NULL", t.OrganizationId),
            n => n == 0, what: "the Slack outbox drained");
        (await ScalarAsync<long>("SELECT count(*) FROM outbox WHERE organization_id = $1 AND topic = 'notifications.slack'", t.OrganizationId)).ShouldBe(1);
        (await ScalarAsync<long>("SELECT count(*) FROM notification_emails WHERE user_id = $1 AND category = 'billing'", t.UserId)).ShouldBe(1);
        Slack.AcceptedSnapshot().ShouldNotContain(m => m["text"]!.GetValue<string>().Contains("Invoice overdue at Acme"));
        (await ScalarAsync<DateTime?>("SELECT last_delivered_at FROM slack_connections WHERE user_id = $1", t.UserId)).ShouldNotBeNull();

        // No channel: a DM to the Slack user who installed the app.
        (await PutAsync(t.Http, new { channel_id = "", notification_types = new[] { "billing" } })).Status.ShouldBe(HttpStatusCode.OK);
        await NotifyAsync(t, "billing", "Second invoice overdue");
        await MessageAsync(install.UserId, "Second invoice overdue");

        // A channel Slack does not know: recorded on the connection for the settings page, not retried forever.
        Slack.MissingChannels.Add("#gone");
        (await PutAsync(t.Http, new { channel_id = "#gone", notification_types = new[] { "billing" } })).Status.ShouldBe(HttpStatusCode.OK);
        await NotifyAsync(t, "billing", "Third invoice overdue");
        await Eventually.GetAsync(() => ScalarAsync<string>("SELECT last_error FROM slack_connections WHERE user_id = $1", t.UserId), e => e == "channel_not_found", what: "the delivery error");
        (await t.Http.GetJsonAsync("/api/v1/integrations/slack")).Json!["last_error"]!.GetValue<string>().ShouldBe("channel_not_found");
    }

    // ---- interactivity -----------------------------------------------------------------------

    [Fact]
    public async Task An_approval_is_decided_from_Slack_by_the_user_with_the_same_email()
    {
        var a = await CopilotScenario.AtRiskAccountAsync(f);
        var t = a.Tenant;
        var install = await f.ConnectAsync(t.Http, t.Email);
        (await PutAsync(t.Http, new { channel_id = "#approvals", notification_types = new[] { "approval_requested" } })).Status.ShouldBe(HttpStatusCode.OK);
        // The same workspace connected to another organization changes nothing: the button names the organization.
        var t0 = await f.SignupAsync();
        await f.ConnectAsync(t0.Http, t0.Email, install with { UserId = "UOTHERORG01" });

        var session = await CopilotScenario.SessionAsync(t.Http, a.CustomerId);
        var answer = await CopilotScenario.AskAsync(t.Http, session, "Apply a $75 credit for the outage");
        var approval = Guid.Parse(CopilotScenario.OnlyApproval(answer, "apply_credit")["id"]!.GetValue<string>());

        // The approval notice arrives with Approve / Reject buttons naming the organization and the approval.
        var message = await MessageAsync("#approvals", "Approval needed: apply credit");
        var actions = message["blocks"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "actions")!["elements"]!.AsArray();
        actions.Select(e => e!["text"]!["text"]!.GetValue<string>()).ShouldBe(["Approve", "Reject"]);
        var approve = actions[0]!;
        approve["value"]!.GetValue<string>().ShouldBe($"{t.OrganizationId}:{approval}");
        var click = Button(approve["action_id"]!.GetValue<string>(), approve["value"]!.GetValue<string>());

        var r = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, click, "ok-1"));
        r.Status.ShouldBe(HttpStatusCode.OK);
        r.Json!["decided"]!.GetValue<bool>().ShouldBeTrue(r.Json.ToJsonString());
        (await StatusOfAsync(approval)).ShouldBe("executed");
        (await ScalarAsync<Guid>("SELECT resolved_by FROM approvals WHERE id = $1", approval)).ShouldBe(t.UserId);
        (await ScalarAsync<long>("SELECT count(*) FROM credits WHERE organization_id = $1 AND customer_id = $2", t.OrganizationId, a.CustomerId)).ShouldBe(1);
        // users.info was asked about the clicking user, and the message was replaced through response_url.
        Slack.CallsTo("/api/users.info").Last().Form["user"].ShouldBe(install.UserId);
        var replaced = Slack.ResponsesTo("ok-1").Single()!;
        replaced["replace_original"]!.GetValue<bool>().ShouldBeTrue();
        replaced["text"]!.GetValue<string>().ShouldContain("Approved by");
        replaced.ToJsonString().ShouldNotContain("clientele_approve");

        // A second click is told who decided first and changes nothing.
        var again = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, click, "ok-2"));
        again.Json!["decided"]!.GetValue<bool>().ShouldBeFalse();
        Slack.ResponsesTo("ok-2").Single()!["text"]!.GetValue<string>().ShouldContain("Already approved");
        (await ScalarAsync<long>("SELECT count(*) FROM credits WHERE organization_id = $1 AND customer_id = $2", t.OrganizationId, a.CustomerId)).ShouldBe(1);
    }

    private const string SlackPath = "/webhooks/slack/interactivity";

    [Fact]
    public async Task Bad_or_stale_signatures_and_unknown_Slack_users_decide_nothing()
    {
        var a = await CopilotScenario.AtRiskAccountAsync(f);
        var t = a.Tenant;
        var install = await f.ConnectAsync(t.Http, t.Email);
        var session = await CopilotScenario.SessionAsync(t.Http, a.CustomerId);
        var approval = Guid.Parse(CopilotScenario.OnlyApproval(await CopilotScenario.AskAsync(t.Http, session, "Apply a $40 credit"), "apply_credit")["id"]!.GetValue<string>());
        var reject = Button("clientele_reject", $"{t.OrganizationId}:{approval}");

        // Signed with another secret, a body changed after signing, a timestamp six minutes old, no signature at all.
        var wrong = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, reject, "bad-1", secret: "not-the-signing-secret"));
        wrong.Status.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.Json!["title"]!.GetValue<string>().ShouldBe("The Slack signature does not verify");
        (await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, reject, "bad-2", tamper: b => b.Replace("clientele_reject", "clientele_approve")))).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var stale = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, reject, "bad-3", at: DateTimeOffset.UtcNow.AddMinutes(-6)));
        stale.Status.ShouldBe(HttpStatusCode.Unauthorized);
        stale.Json!["title"]!.GetValue<string>().ShouldBe("Stale Slack request");
        var unsigned = Slack.Interaction(SlackPath, install.TeamId, install.UserId, reject, "bad-4");
        unsigned.Headers.Remove("X-Slack-Signature");
        (await SendAsync(unsigned)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await StatusOfAsync(approval)).ShouldBe("pending");
        Slack.ResponsesTo("bad-1").Concat(Slack.ResponsesTo("bad-2")).Concat(Slack.ResponsesTo("bad-3")).ShouldBeEmpty();

        // Correctly signed, but the Slack user's email is nobody in this organization: refused, told privately.
        Slack.Users["USTRANGER1"] = "stranger@elsewhere.test";
        var stranger = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, "USTRANGER1", reject, "who-1"));
        stranger.Json!["decided"]!.GetValue<bool>().ShouldBeFalse();
        stranger.Json["reason"]!.GetValue<string>().ShouldBe("unknown_user");
        var told = Slack.ResponsesTo("who-1").Single()!;
        told["response_type"]!.GetValue<string>().ShouldBe("ephemeral");
        told["text"]!.GetValue<string>().ShouldContain("stranger@elsewhere.test is not an active Clientele user");
        // A workspace not connected to the organization the button names: refused.
        var other = await SendAsync(Slack.Interaction(SlackPath, "TNOTCONNECTED", install.UserId, reject, "who-2"));
        other.Json!["reason"]!.GetValue<string>().ShouldBe("not_connected");
        (await StatusOfAsync(approval)).ShouldBe("pending");

        // The owner's Slack account rejects it: through the approval code, with the reason recorded.
        var ok = await SendAsync(Slack.Interaction(SlackPath, install.TeamId, install.UserId, reject, "rej-1"));
        ok.Json!["decided"]!.GetValue<bool>().ShouldBeTrue(ok.Json.ToJsonString());
        (await StatusOfAsync(approval)).ShouldBe("rejected");
        (await ScalarAsync<string>("SELECT comment FROM approvals WHERE id = $1", approval)).ShouldBe("Rejected from Slack.");
        Slack.ResponsesTo("rej-1").Single()!["text"]!.GetValue<string>().ShouldContain("Rejected by");
    }
}
