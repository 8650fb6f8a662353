using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Clientele.Tests;

/// <summary>Issue 4, item 5: the webchat channel over real HTTP, and the widget in a real headless Chromium.</summary>
public sealed class WebchatTests(WebchatFixture app, ITestOutputHelper output) : IClassFixture<WebchatFixture>
{
    private const string Shop = "https://shop.example";

    [Fact]
    public async Task The_widget_script_is_public_cacheable_javascript()
    {
        var c = app.Client();
        var res = await c.GetAsync("/widget.js");
        res.StatusCode.ShouldBe(HttpStatusCode.OK);
        res.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        res.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("*");
        var js = await res.Content.ReadAsStringAsync();
        js.ShouldContain("data-channel");
        js.ShouldContain("/webchat/");
        js.ShouldContain("EventSource");
        js.Split('\n').Length.ShouldBeLessThan(400);
        var etag = res.Headers.ETag!.Tag;
        using var again = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        (await c.SendAsync(again)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Sessions_need_an_active_channel_and_valid_fields()
    {
        (await app.Client().PostJsonAsync("/webchat/pk_doesnotexist000000000000000000/sessions", new { })).ShouldBeProblem(404);
        (await app.Client().PostJsonAsync("/webchat/not-a-key/sessions", new { })).ShouldBeProblem(404);
        var inactive = await app.ChannelAsync([Shop], active: false);
        (await app.Client().PostJsonAsync($"/webchat/{inactive.PublicKey}/sessions", new { })).ShouldBeProblem(404);
        // A channel's meta_phone_number_id also resolves in clientele_resolve_channel: only the public key opens webchat.
        var ch = await app.ChannelAsync([Shop]);
        var row = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/phone_numbers/{ch.Id}")).Json!;
        (await app.Client().PostJsonAsync($"/webchat/{row["meta_phone_number_id"]}/sessions", new { })).ShouldBeProblem(404);

        (await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { email = "not an email" })).ShouldBeProblem(422, "email");
        (await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { name = new string('n', 101) })).ShouldBeProblem(422, "name");
        (await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { nickname = "x" })).ShouldBeProblem(422, "nickname");

        var ok = await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { name = "Ada", email = "ada@example.test" });
        ok.Status.ShouldBe(HttpStatusCode.Created);
        ok.Json!["visitor_id"]!.GetValue<string>().ShouldStartWith("v_");
        ok.Json["visitor_token"]!.GetValue<string>().Length.ShouldBeGreaterThan(40);
        // An empty body is a session without name or email.
        var bare = await app.Client().SendAsync(HttpMethod.Post, $"/webchat/{ch.PublicKey}/sessions", "");
        bare.Status.ShouldBe(HttpStatusCode.Created, bare.Json?.ToJsonString());
    }

    [Fact]
    public async Task Messages_are_validated_and_need_the_visitor_token()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch);
        (await app.SendAsync(ch, s.Token, new { text = "" })).ShouldBeProblem(422, "text");
        (await app.SendAsync(ch, s.Token, new { text = "   " })).ShouldBeProblem(422, "text");
        (await app.SendAsync(ch, s.Token, new { text = new string('x', 2001) })).ShouldBeProblem(422, "text");
        (await app.SendAsync(ch, s.Token, new { })).ShouldBeProblem(422, "text");
        (await app.SendAsync(ch, s.Token, new { text = "hi", client_message_id = "has spaces" })).ShouldBeProblem(422, "client_message_id");
        (await app.SendAsync(ch, null, new { text = "hi" })).ShouldBeProblem(401);
        var garbage = await app.SendAsync(ch, "not-a-token", new { text = "hi" });
        garbage.ShouldBeProblem(401);
        garbage.Response.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
        (await app.SendAsync(ch, s.Token[..^4] + "AAAA", new { text = "hi" })).ShouldBeProblem(401);
        (await app.SendAsync(ch, s.Token, new { text = new string('x', 2000) })).Status.ShouldBe(HttpStatusCode.Accepted);
        await Task.Delay(300);
        // Only the valid message reached the pipeline.
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_visitor_message_goes_through_the_pipeline_and_the_reply_shows_in_the_history()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch, new { name = "Grace Hopper", email = $"grace-{Guid.NewGuid():N}@example.test" });
        var sent = await app.SendAsync(ch, s.Token, new { text = "Do you ship to Lisbon?", client_message_id = "c-1" }, Shop);
        sent.Status.ShouldBe(HttpStatusCode.Accepted, sent.Json?.ToJsonString());
        sent.Json!["status"]!.GetValue<string>().ShouldBe("accepted");
        // The same client message id again (a retry after a network error) is recognized and changes nothing.
        var again = await app.SendAsync(ch, s.Token, new { text = "Do you ship to Lisbon?", client_message_id = "c-1" }, Shop);
        again.Status.ShouldBe(HttpStatusCode.Accepted);
        again.Json!["status"]!.GetValue<string>().ShouldBe("duplicate");

        var history = await app.HistoryWhenAsync(ch, s.Token, h => h.Count == 2 && h[1]!["status"]?.GetValue<string>() == "sent", "the agent's reply");
        history[0]!["role"]!.GetValue<string>().ShouldBe("user");
        history[0]!["content"]!.GetValue<string>().ShouldBe("Do you ship to Lisbon?");
        history[0]!["sequence_no"]!.GetValue<int>().ShouldBe(1);
        history[0]!["client_message_id"]!.GetValue<string>().ShouldBe("c-1");
        history[1]!["role"]!.GetValue<string>().ShouldBe("assistant");
        history[1]!["sequence_no"]!.GetValue<int>().ShouldBe(2);
        history[1]!["content"]!.GetValue<string>().ShouldContain("Grace");
        history[1]!["agent_name"]!.GetValue<string>().ShouldBe("Nora");
        var after = (await app.HistoryAsync(ch, s.Token, after: 1)).Json!;
        after["data"]!.AsArray().Select(m => m!["sequence_no"]!.GetValue<int>()).ShouldBe([2]);
        after["has_more"]!.GetValue<bool>().ShouldBeFalse();
        (await app.Client().GetAsync($"/webchat/{ch.PublicKey}/messages?after=-1")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The operator's side: a web_chat conversation with the visitor, the agent, and a customer with the given email.
        var conversation = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/conversations?phone_number_id={ch.Id}")).Json!["data"]!.AsArray().Single()!;
        conversation["channel"]!.GetValue<string>().ShouldBe("web_chat");
        conversation["customer_phone"]!.GetValue<string>().ShouldBe(s.VisitorId);
        conversation["agent_id"]!.GetValue<string>().ShouldBe(ch.AgentId.ToString());
        after["conversation_id"]!.GetValue<string>().ShouldBe(conversation["id"]!.GetValue<string>());
        var customer = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/customers/{conversation["customer_id"]}")).Json!;
        customer["name"]!.GetValue<string>().ShouldBe("Grace Hopper");
        customer["email"]!.GetValue<string>().ShouldStartWith("grace-");
        var evt = (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Single()!;
        evt["provider"]!.GetValue<string>().ShouldBe("webchat");
        evt["payload"]!["from"]!.GetValue<string>().ShouldBe(s.VisitorId);
        evt["payload"]!["origin"]!.GetValue<string>().ShouldBe(Shop);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/message_credits")).Json!["data"]![0]!["remaining_credits"]!.GetValue<int>().ShouldBe(99);
    }

    [Fact]
    public async Task The_event_stream_pushes_the_agent_reply_resumes_after_last_event_id_and_sends_heartbeats()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch);
        var url = $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(s.Token)}";
        await using var stream = await SseReader.OpenAsync(app.Client(), url);
        stream.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");

        var clock = Stopwatch.StartNew();
        (await app.SendAsync(ch, s.Token, new { text = "Is anyone there?" })).Status.ShouldBe(HttpStatusCode.Accepted);
        var (mine, myMessage) = await stream.NextMessageAsync(m => m["role"]!.GetValue<string>() == "user", TimeSpan.FromSeconds(15));
        var userLatency = clock.Elapsed;
        mine.Id.ShouldBe("1");
        myMessage["content"]!.GetValue<string>().ShouldBe("Is anyone there?");
        var (reply, replyMessage) = await stream.NextMessageAsync(m => m["role"]!.GetValue<string>() == "assistant", TimeSpan.FromSeconds(15));
        var replyLatency = clock.Elapsed;
        reply.Id.ShouldBe("2");
        // The agent's answer (its wording belongs to the AI engine): a real reply, not an echo.
        replyMessage["content"]!.GetValue<string>().Length.ShouldBeGreaterThan(10);
        replyMessage["content"]!.GetValue<string>().ShouldNotBe("Is anyone there?");
        output.WriteLine($"stream: visitor message after {userLatency.TotalMilliseconds:0} ms, agent reply after {replyLatency.TotalMilliseconds:0} ms");

        // Idle: heartbeat comments keep the connection open (Webchat__HeartbeatSeconds = 1 here).
        var beat = await stream.NextAsync(TimeSpan.FromSeconds(5));
        beat.Type.ShouldBe(":");
        beat.Comments.ShouldContain("ping");

        // A reconnecting EventSource sends Last-Event-ID and gets only what came after it.
        await using var resumed = await SseReader.OpenAsync(app.Client(), url, lastEventId: "1");
        var first = await resumed.NextMessageAsync(_ => true, TimeSpan.FromSeconds(10));
        first.Event.Id.ShouldBe("2");
        first.Message["role"]!.GetValue<string>().ShouldBe("assistant");

        // A human operator's message on the conversation reaches the visitor live too.
        var conversationId = replyMessage["conversation_id"]!.GetValue<string>();
        var human = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { content = "Hi, this is Olivia from Acme." });
        ((int)human.Status).ShouldBeLessThan(300, human.Json?.ToJsonString());
        var (op, opMessage) = await stream.NextMessageAsync(m => m["role"]!.GetValue<string>() == "assistant" && m["content"]!.GetValue<string>().Contains("Olivia"), TimeSpan.FromSeconds(15));
        op.Id.ShouldBe("3");
        opMessage["sequence_no"]!.GetValue<int>().ShouldBe(3);

        (await app.Client().GetAsync($"/webchat/{ch.PublicKey}/stream")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task After_an_operator_closes_the_conversation_the_stream_moves_to_the_new_one()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch);
        (await app.SendAsync(ch, s.Token, new { text = "first question" })).Status.ShouldBe(HttpStatusCode.Accepted);
        var first = await app.HistoryWhenAsync(ch, s.Token, h => h.Count == 2, "the first reply");
        var firstConversation = first[0]!["conversation_id"]!.GetValue<string>();
        await using var stream = await SseReader.OpenAsync(app.Client(), $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(s.Token)}&after=2");

        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{firstConversation}/close", new { })).Status.ShouldBe(HttpStatusCode.OK);
        // Closed: the visitor still sees that conversation until writing again.
        (await app.HistoryAsync(ch, s.Token)).Json!["conversation_id"]!.GetValue<string>().ShouldBe(firstConversation);
        (await app.SendAsync(ch, s.Token, new { text = "second question" })).Status.ShouldBe(HttpStatusCode.Accepted);

        var switched = await stream.NextAsync(TimeSpan.FromSeconds(15));
        while (switched.Type == ":") switched = await stream.NextAsync(TimeSpan.FromSeconds(15));
        switched.Type.ShouldBe("conversation");
        switched.Id.ShouldBe("0"); // a reconnect resumes from the new conversation's start
        var newConversation = JsonNode.Parse(switched.Data)!["conversation_id"]!.GetValue<string>();
        newConversation.ShouldNotBe(firstConversation);
        var (e1, m1) = await stream.NextMessageAsync(_ => true, TimeSpan.FromSeconds(15));
        e1.Id.ShouldBe("1");
        m1["content"]!.GetValue<string>().ShouldBe("second question");
        m1["conversation_id"]!.GetValue<string>().ShouldBe(newConversation);
        var (e2, _) = await stream.NextMessageAsync(m => m["role"]!.GetValue<string>() == "assistant", TimeSpan.FromSeconds(15));
        e2.Id.ShouldBe("2");
    }

    [Fact]
    public async Task Streams_survive_the_loss_of_the_nodes_listener_connection()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch);
        await using var stream = await SseReader.OpenAsync(app.Client(), $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(s.Token)}");
        await using (var owner = await app.OwnerAsync())
        await using (var kill = new Npgsql.NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'clientele-webchat-listener' AND datname = current_database()", owner))
            ((long)(await kill.ExecuteScalarAsync())!).ShouldBe(1);
        (await app.SendAsync(ch, s.Token, new { text = "still there?" })).Status.ShouldBe(HttpStatusCode.Accepted);
        var (_, reply) = await stream.NextMessageAsync(m => m["role"]!.GetValue<string>() == "assistant", TimeSpan.FromSeconds(15));
        reply["sequence_no"]!.GetValue<int>().ShouldBe(2);
        // The listener is back.
        await Eventually.GetAsync(async () =>
        {
            await using var owner = await app.OwnerAsync();
            await using var q = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'clientele-webchat-listener' AND datname = current_database()", owner);
            return (long)(await q.ExecuteScalarAsync())!;
        }, n => n == 1, TimeSpan.FromSeconds(10), "the listener to reconnect");
    }

    [Fact]
    public async Task Cors_answers_only_the_channels_allowed_origins()
    {
        var ch = await app.ChannelAsync([Shop, "http://localhost:8080/"]);
        async Task<HttpResponseMessage> GetConfig(string? origin)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"/webchat/{ch.PublicKey}/config");
            if (origin is not null) req.Headers.Add("Origin", origin);
            return await app.Client().SendAsync(req);
        }
        var allowed = await GetConfig(Shop);
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(Shop);
        allowed.Headers.Vary.ShouldContain("Origin");
        var config = JsonNode.Parse(await allowed.Content.ReadAsStringAsync())!;
        config["title"]!.GetValue<string>().ShouldBe("Acme Support");
        config["color"]!.GetValue<string>().ShouldBe("#0f766e");
        (await GetConfig("http://localhost:8080")).Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("http://localhost:8080");

        var refused = await GetConfig("https://evil.example");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        (await GetConfig("https://shop.example.evil.test")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await GetConfig("http://shop.example")).StatusCode.ShouldBe(HttpStatusCode.Forbidden); // scheme matters
        // A page on the Clientele host itself is same-origin, not cross-origin.
        (await GetConfig(app.BaseAddress.ToString().TrimEnd('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var noOrigin = await GetConfig(null);
        noOrigin.StatusCode.ShouldBe(HttpStatusCode.OK);
        noOrigin.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();

        async Task<HttpResponseMessage> Preflight(string path, string origin, string method)
        {
            using var req = new HttpRequestMessage(HttpMethod.Options, $"/webchat/{ch.PublicKey}/{path}");
            req.Headers.Add("Origin", origin);
            req.Headers.Add("Access-Control-Request-Method", method);
            req.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await app.Client().SendAsync(req);
        }
        var pre = await Preflight("messages", Shop, "POST");
        pre.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        pre.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(Shop);
        pre.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("POST");
        var allowHeaders = pre.Headers.GetValues("Access-Control-Allow-Headers").Single();
        allowHeaders.ShouldContain("Authorization");
        allowHeaders.ShouldContain("Content-Type");
        (await Preflight("sessions", Shop, "POST")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Preflight("messages", Shop, "GET")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Preflight("messages", "https://evil.example", "POST")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // The calls themselves from a refused origin do nothing.
        var s = await app.SessionAsync(ch, origin: Shop);
        (await app.SendAsync(ch, s.Token, new { text = "from evil" }, "https://evil.example")).ShouldBeProblem(403);
        (await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { }, r => r.Headers.Add("Origin", "https://evil.example"))).ShouldBeProblem(403);
        // Errors to an allowed origin carry the CORS header, so the widget can read them.
        var invalid = await app.SendAsync(ch, s.Token, new { text = "" }, Shop);
        invalid.ShouldBeProblem(422, "text");
        invalid.Response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(Shop);
        await Task.Delay(300);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Too_many_messages_from_one_visitor_are_429_with_retry_after()
    {
        var ch = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(ch);
        for (var i = 0; i < WebchatFixture.MessagesPerVisitorPerMinute; i++)
            (await app.SendAsync(ch, s.Token, new { text = $"message {i}" })).Status.ShouldBe(HttpStatusCode.Accepted);
        var limited = await app.SendAsync(ch, s.Token, new { text = "one too many" }, Shop);
        limited.ShouldBeProblem(429);
        limited.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 60);
        limited.Response.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe(Shop);
        // The limit is per visitor: another visitor on the same channel still gets through.
        var other = await app.SessionAsync(ch);
        (await app.SendAsync(ch, other.Token, new { text = "hello" })).Status.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task A_token_of_another_channel_is_refused()
    {
        var a = await app.ChannelAsync([Shop]);
        var sameOrg = await app.ChannelAsync([Shop], a.Tenant);
        var otherOrg = await app.ChannelAsync([Shop]);
        var s = await app.SessionAsync(a);
        foreach (var other in new[] { sameOrg, otherOrg })
        {
            (await app.SendAsync(other, s.Token, new { text = "hi" })).ShouldBeProblem(403);
            (await app.HistoryAsync(other, s.Token)).ShouldBeProblem(403);
            (await app.Client().GetAsync($"/webchat/{other.PublicKey}/stream?token={Uri.EscapeDataString(s.Token)}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        }
        await Task.Delay(300);
        (await otherOrg.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(0);
        (await a.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_visitor_sees_only_their_own_conversation()
    {
        var ch = await app.ChannelAsync([Shop]);
        var alice = await app.SessionAsync(ch, new { name = "Alice" });
        var bob = await app.SessionAsync(ch, new { name = "Bob" });
        // Both pick the same client message id: ids are scoped per visitor, so neither suppresses the other.
        (await app.SendAsync(ch, alice.Token, new { text = "Alice's secret order 1234", client_message_id = "m1" })).Json!["status"]!.GetValue<string>().ShouldBe("accepted");
        (await app.SendAsync(ch, bob.Token, new { text = "Bob asks about pricing", client_message_id = "m1" })).Json!["status"]!.GetValue<string>().ShouldBe("accepted");
        var aliceHistory = await app.HistoryWhenAsync(ch, alice.Token, h => h.Count == 2, "Alice's reply");
        var bobHistory = await app.HistoryWhenAsync(ch, bob.Token, h => h.Count == 2, "Bob's reply");
        aliceHistory.Select(m => m!["content"]!.GetValue<string>()).ShouldContain("Alice's secret order 1234");
        aliceHistory.ShouldAllBe(m => !m!["content"]!.GetValue<string>().Contains("Bob"));
        bobHistory.ShouldAllBe(m => !m!["content"]!.GetValue<string>().Contains("Alice"));
        aliceHistory[0]!["conversation_id"]!.GetValue<string>().ShouldNotBe(bobHistory[0]!["conversation_id"]!.GetValue<string>());

        // Bob's stream never carries Alice's messages.
        await using var bobStream = await SseReader.OpenAsync(app.Client(), $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(bob.Token)}&after=2");
        (await app.SendAsync(ch, alice.Token, new { text = "Alice again" })).Status.ShouldBe(HttpStatusCode.Accepted);
        await app.HistoryWhenAsync(ch, alice.Token, h => h.Count == 4, "Alice's second reply");
        (await app.SendAsync(ch, bob.Token, new { text = "Bob again" })).Status.ShouldBe(HttpStatusCode.Accepted);
        var (_, next) = await bobStream.NextMessageAsync(_ => true, TimeSpan.FromSeconds(15));
        next["content"]!.GetValue<string>().ShouldBe("Bob again");

        // A new visitor has an empty history.
        var carol = await app.SessionAsync(ch);
        var empty = (await app.HistoryAsync(ch, carol.Token)).Json!;
        empty["data"]!.AsArray().Count.ShouldBe(0);
        empty["conversation_id"].ShouldBeNull();
    }

    [Fact]
    public async Task A_visitor_chats_through_the_widget_in_headless_chromium()
    {
        await using var site = await TestSite.StartAsync();
        var ch = await app.ChannelAsync([site.Origin]);
        site.Html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Acme Outdoor</title>
            <style>body{font-family:Georgia,serif;margin:0;background:#fafaf9;color:#1c1917}header{background:#1c1917;color:#fff;padding:24px 40px}main{padding:32px 40px;max-width:640px}</style></head>
            <body><header><h1>Acme Outdoor</h1></header>
            <main><h2>Tents for every season</h2><p>Free shipping across Europe. Questions? Chat with us.</p></main>
            <script src="{{app.BaseAddress.ToString().TrimEnd('/')}}/widget.js" data-channel="{{ch.PublicKey}}" async></script>
            </body></html>
            """;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 720 } });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        // Any failed request (with its URL) or script error on the page fails the test.
        page.Console += (_, m) => { if (m.Type is "error" or "warning" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) problems.Add($"{m.Type}: {m.Text}"); };
        page.Response += (_, r) => { if (r.Status >= 400) problems.Add($"{r.Request.Method} {r.Url} answered {r.Status}"); };
        page.RequestFailed += (_, r) => { if (!r.Url.Contains("/stream", StringComparison.Ordinal)) problems.Add($"{r.Method} {r.Url} failed: {r.Failure}"); };
        page.PageError += (_, e) => problems.Add("page error: " + e);

        await page.GotoAsync(site.Origin + "/");
        var launcher = page.GetByRole(AriaRole.Button, new() { Name = "Open chat" });
        await Assertions.Expect(launcher).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await launcher.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Hi! Ask us anything.")).ToBeVisibleAsync();
        var input = page.GetByLabel("Type your message");
        await input.FillAsync("Hello! Do you have a 2-person tent in stock?");
        var clock = Stopwatch.StartNew();
        await input.PressAsync("Enter");

        // Agent bubbles other than the widget's own greeting are the agent's replies.
        ILocator AgentReplies() => page.Locator(".msg.agent").Filter(new() { HasNotText = "Hi! Ask us anything." });
        var reply = AgentReplies().First;
        await Assertions.Expect(reply).ToBeVisibleAsync(new() { Timeout = 20_000 });
        output.WriteLine($"browser: reply visible {clock.ElapsedMilliseconds} ms after Enter");
        await Assertions.Expect(page.Locator(".msg.visitor").Filter(new() { HasText = "2-person tent" })).ToBeVisibleAsync();
        await Assertions.Expect(input).ToHaveValueAsync("");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/webchat-widget.png" });

        // The server has the conversation, started from the page's origin.
        var evt = (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Single()!;
        evt["payload"]!["origin"]!.GetValue<string>().ShouldBe(site.Origin);
        evt["payload"]!["text"]!.GetValue<string>().ShouldBe("Hello! Do you have a 2-person tent in stock?");

        // A reload keeps the visitor (token in localStorage) and shows the history again.
        await page.ReloadAsync();
        await Assertions.Expect(AgentReplies().First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(AgentReplies()).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".msg.visitor").Filter(new() { HasText = "2-person tent" })).ToHaveCountAsync(1);
        await page.GetByLabel("Type your message").FillAsync("And a sleeping bag?");
        await page.GetByLabel("Type your message").PressAsync("Enter");
        await Assertions.Expect(AgentReplies()).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        (await ch.Tenant.Http.GetJsonAsync($"/api/v1/conversations?phone_number_id={ch.Id}")).Json!["data"]!.AsArray().Count.ShouldBe(1);
        problems.ShouldBeEmpty();
    }

    /// <summary>A web site on another origin (another port) that embeds the widget.</summary>
    private sealed class TestSite : IAsyncDisposable
    {
        private WebApplication _app = null!;
        public string Origin { get; private set; } = "";
        public string Html { get; set; } = "";

        public static async Task<TestSite> StartAsync()
        {
            var site = new TestSite();
            var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
            b.Logging.ClearProviders();
            site._app = b.Build();
            site._app.MapGet("/", () => Results.Content(site.Html, "text/html; charset=utf-8"));
            site._app.MapGet("/favicon.ico", () => Results.NoContent());
            await site._app.StartAsync();
            site.Origin = site._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Limits per IP address and open streams, on a host of their own (every test shares 127.0.0.1).</summary>
public sealed class WebchatLimitsTests(WebchatLimitsTests.Fixture app) : IClassFixture<WebchatLimitsTests.Fixture>
{
    public sealed class Fixture : WebchatFixture
    {
        protected override Dictionary<string, string?> Config
        {
            get
            {
                var c = base.Config;
                c["Webchat:SessionsPerIpPerHour"] = "3";
                c["Webchat:StreamsPerVisitor"] = "2";
                return c;
            }
        }
    }

    [Fact]
    public async Task Sessions_per_ip_and_streams_per_visitor_are_limited()
    {
        var ch = await app.ChannelAsync(["https://shop.example"]);
        var sessions = new List<WebchatFixture.Session>();
        for (var i = 0; i < 3; i++) sessions.Add(await app.SessionAsync(ch));
        var limited = await app.Client().PostJsonAsync($"/webchat/{ch.PublicKey}/sessions", new { });
        limited.ShouldBeProblem(429);
        limited.Response.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ShouldBeInRange(1, 3600);

        var url = $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(sessions[0].Token)}";
        await using var one = await SseReader.OpenAsync(app.Client(), url);
        await using var two = await SseReader.OpenAsync(app.Client(), url);
        one.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        two.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Client().GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // Another visitor has slots of their own; a closed stream gives its slot back.
        await using (var other = await SseReader.OpenAsync(app.Client(), $"/webchat/{ch.PublicKey}/stream?token={Uri.EscapeDataString(sessions[1].Token)}"))
            other.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await two.DisposeAsync();
        var reopened = await Eventually.GetAsync(async () =>
        {
            var r = await app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
            var status = r.StatusCode;
            r.Dispose();
            return status;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "a stream slot after one closed");
        reopened.ShouldBe(HttpStatusCode.OK);
    }
}
