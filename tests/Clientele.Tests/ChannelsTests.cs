using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 4: WhatsApp and Instagram conversations end to end against a fake Graph API.</summary>
public sealed class ChannelsTests(ChannelsFixture app) : IClassFixture<ChannelsFixture>
{
    private static string Wamid() => "wamid.IN" + Guid.NewGuid().ToString("N");

    private async Task<JsonObject> ConversationOfAsync(ChannelsFixture.Channel ch, string phone) =>
        (await Eventually.GetAsync(async () => (await app.ConversationsAsync(ch.Tenant)).FirstOrDefault(c => c!["customer_phone"]?.GetValue<string>() == phone),
            c => c is not null, what: $"a conversation with {phone}"))!.AsObject();

    private async Task<JsonArray> MessagesWhenAsync(ChannelsFixture.Channel ch, Guid conversation, Func<JsonArray, bool> done, string what) =>
        await Eventually.GetAsync(() => app.MessagesAsync(ch.Tenant, conversation), done, what: what);

    [Fact]
    public async Task Verification_handshake_echoes_the_challenge_only_for_the_right_token()
    {
        var c = app.Client();
        var ok = await c.GetAsync($"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={MetaWebhooks.VerifyToken}&hub.challenge=1158201444");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ok.Content.ReadAsStringAsync()).ShouldBe("1158201444");
        (await c.GetAsync("/webhooks/instagram?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await c.GetAsync($"/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token={MetaWebhooks.VerifyToken}&hub.challenge=1")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Unsigned_or_tampered_webhooks_are_401_and_store_nothing()
    {
        var ch = await app.ChannelAsync();
        var payload = MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000001", "Eve", Wamid(), "hi");
        var body = payload.ToJsonString();
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload, signature: "")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload, signature: MetaWebhooks.Sign(body, "another-secret"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload, signature: MetaWebhooks.Sign(body), rawBody: body.Replace("hi", "HI", StringComparison.Ordinal))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await Task.Delay(300);
        (await app.ConversationsAsync(ch.Tenant)).Count.ShouldBe(0);
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_whatsapp_message_becomes_a_conversation_gets_a_reply_through_the_graph_api_and_tracks_delivery()
    {
        var ch = await app.ChannelAsync();
        const string phone = "5511987654321";
        var res = await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, "Maria Souza", Wamid(), "Hi, I want a demo"));
        res.StatusCode.ShouldBe(HttpStatusCode.OK);

        var conversation = await ConversationOfAsync(ch, phone);
        conversation["agent_id"]!.GetValue<string>().ShouldBe(ch.AgentId.ToString());
        conversation["channel"]!.GetValue<string>().ShouldBe("whatsapp");
        var id = Guid.Parse(conversation["id"]!.GetValue<string>());
        var messages = await MessagesWhenAsync(ch, id, m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "sent", "the reply to be sent");
        messages[0]!["role"]!.GetValue<string>().ShouldBe("user");
        messages[0]!["content"]!.GetValue<string>().ShouldBe("Hi, I want a demo");
        messages[0]!["sequence_no"]!.GetValue<int>().ShouldBe(1);
        var reply = messages[1]!;
        reply["role"]!.GetValue<string>().ShouldBe("assistant");
        reply["sequence_no"]!.GetValue<int>().ShouldBe(2);
        reply["content"]!.GetValue<string>().ShouldContain("Maria");
        var wamid = reply["platform_message_id"]!.GetValue<string>();
        wamid.ShouldStartWith("wamid.FAKE");

        var call = app.Graph.Calls.Single(c => c.Body["to"]?.GetValue<string>() == phone);
        call.Path.ShouldBe($"/v21.0/{ch.MetaId}/messages");
        call.Authorization.ShouldBe($"Bearer token-{ch.MetaId}");
        call.Body["messaging_product"]!.GetValue<string>().ShouldBe("whatsapp");
        call.Body["text"]!["body"]!.GetValue<string>().ShouldBe(reply["content"]!.GetValue<string>());

        // The customer was created from the profile and linked with a contact by phone.
        var customer = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/customers/{conversation["customer_id"]}?include=contacts")).Json!;
        customer["name"]!.GetValue<string>().ShouldBe("Maria Souza");
        customer["contacts"]![0]!["phone"]!.GetValue<string>().ShouldBe("+" + phone);
        // One credit per AI reply.
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/message_credits")).Json!["data"]![0]!["remaining_credits"]!.GetValue<int>().ShouldBe(99);

        // Delivery statuses move forward only: read, then a late "delivered", stays read.
        var replyId = reply["id"]!.GetValue<string>();
        async Task<string> StatusAsync() => (await ch.Tenant.Http.GetJsonAsync($"/api/v1/message_delivery_status?message_id={replyId}")).Json!["data"]![0]!["status"]!.GetValue<string>();
        (await StatusAsync()).ShouldBe("sent");
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppStatus(ch.MetaId, wamid, "delivered", phone));
        await Eventually.GetAsync(StatusAsync, s => s == "delivered", what: "delivered");
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppStatus(ch.MetaId, wamid, "read", phone));
        await Eventually.GetAsync(StatusAsync, s => s == "read", what: "read");
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppStatus(ch.MetaId, wamid, "delivered", phone));
        await Eventually.GetAsync(async () => (await ch.Tenant.Http.GetJsonAsync("/api/v1/inbound_events?kind=status&processed_at[is_null]=true")).Json!["data"]!.AsArray().Count, n => n == 0, what: "statuses processed");
        (await StatusAsync()).ShouldBe("read");
    }

    [Fact]
    public async Task A_redelivered_webhook_changes_nothing()
    {
        var ch = await app.ChannelAsync();
        var payload = MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000002", "Rui", Wamid(), "hello");
        var first = JsonNode.Parse(await (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload)).Content.ReadAsStringAsync())!;
        var again = JsonNode.Parse(await (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload)).Content.ReadAsStringAsync())!;
        first["new"]!.GetValue<int>().ShouldBe(1);
        again["new"]!.GetValue<int>().ShouldBe(0);
        var conversation = await ConversationOfAsync(ch, "5511900000002");
        var messages = await MessagesWhenAsync(ch, Guid.Parse(conversation["id"]!.GetValue<string>()), m => m.Count == 2, "the reply");
        await Task.Delay(500);
        (await app.MessagesAsync(ch.Tenant, Guid.Parse(conversation["id"]!.GetValue<string>()))).Count.ShouldBe(2);
        messages.Count(m => m!["role"]!.GetValue<string>() == "user").ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_webhooks_from_one_person_get_gapless_unique_sequence_numbers()
    {
        var ch = await app.ChannelAsync();
        const string phone = "5511900000003";
        var posts = Enumerable.Range(0, 15).Select(i => MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, "Ana", Wamid(), $"message {i}")));
        (await Task.WhenAll(posts)).ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var conversation = await ConversationOfAsync(ch, phone);
        var messages = await MessagesWhenAsync(ch, Guid.Parse(conversation["id"]!.GetValue<string>()), m => m.Count == 30 && m.All(x => x!["role"]!.GetValue<string>() == "user" || x["status"]?.GetValue<string>() == "sent"), "15 messages and 15 replies");
        messages.Select(m => m!["sequence_no"]!.GetValue<int>()).ShouldBe(Enumerable.Range(1, 30));
        (await app.ConversationsAsync(ch.Tenant)).Count.ShouldBe(1); // one active conversation per agent and phone
    }

    [Fact]
    public async Task Button_replies_count_as_cta_clicks_and_media_is_kept_as_attachments()
    {
        var ch = await app.ChannelAsync();
        const string phone = "5511900000004";
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppButtonReply(ch.MetaId, phone, Wamid(), "book_demo", "Book a demo"));
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppImage(ch.MetaId, phone, Wamid(), "our current setup"));
        var conversation = await ConversationOfAsync(ch, phone);
        var messages = await MessagesWhenAsync(ch, Guid.Parse(conversation["id"]!.GetValue<string>()), m => m.Count(x => x!["role"]!.GetValue<string>() == "user") == 2, "both inbound messages");
        var user = messages.Where(m => m!["role"]!.GetValue<string>() == "user").ToList();
        var cta = user.Single(m => m!["extra_metadata"]?["cta"] is not null)!;
        cta["content"]!.GetValue<string>().ShouldBe("Book a demo");
        cta["extra_metadata"]!["cta"]!["id"]!.GetValue<string>().ShouldBe("book_demo");
        var image = user.Single(m => m!["extra_metadata"]?["attachments"] is JsonArray)!;
        image["content"]!.GetValue<string>().ShouldBe("our current setup");
        image["extra_metadata"]!["attachments"]![0]!["mime_type"]!.GetValue<string>().ShouldBe("image/jpeg");
    }

    [Fact]
    public async Task Sends_retry_on_5xx_and_429_and_dead_letter_permanent_errors_with_the_error_recorded()
    {
        var ch = await app.ChannelAsync();
        app.Graph.FailNext(2, 500);
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000005", "Bo", Wamid(), "one"));
        var conversation = await ConversationOfAsync(ch, "5511900000005");
        var id = Guid.Parse(conversation["id"]!.GetValue<string>());
        var messages = await MessagesWhenAsync(ch, id, m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "sent", "the reply sent after retries");
        var sent = await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=message.send");
        sent.Json!["data"]![0]!["attempts"]!.GetValue<int>().ShouldBe(3);

        app.Graph.FailNext(1, 400, code: 131026); // "message undeliverable": retrying cannot help
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000005", "Bo", Wamid(), "two"));
        messages = await MessagesWhenAsync(ch, id, m => m.Count == 4 && m[3]!["status"]?.GetValue<string>() == "failed", "the second reply to fail");
        var failed = messages[3]!["id"]!.GetValue<string>();
        var status = (await ch.Tenant.Http.GetJsonAsync($"/api/v1/message_delivery_status?message_id={failed}")).Json!["data"]![0]!;
        status["status"]!.GetValue<string>().ShouldBe("failed");
        status["error_message"]!.GetValue<string>().ShouldContain("131026");
        var dead = await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=message.send&dead_at[is_null]=false");
        dead.Json!["data"]!.AsArray().Count.ShouldBe(1);
        dead.Json["data"]![0]!["last_error"]!.GetValue<string>().ShouldContain("131026");
    }

    [Fact]
    public async Task Retries_stop_after_max_attempts()
    {
        var ch = await app.ChannelAsync();
        app.Graph.FailNext(8, 429, code: 130429);
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000006", "Cy", Wamid(), "hello"));
        var conversation = await ConversationOfAsync(ch, "5511900000006");
        var messages = await MessagesWhenAsync(ch, Guid.Parse(conversation["id"]!.GetValue<string>()), m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "failed", "the reply to be given up");
        var dead = (await ch.Tenant.Http.GetJsonAsync("/api/v1/outbox?topic=message.send")).Json!["data"]![0]!;
        dead["attempts"]!.GetValue<int>().ShouldBe(8);
        dead["dead_at"].ShouldNotBeNull();
        messages[1]!["status"]!.GetValue<string>().ShouldBe("failed");
    }

    [Fact]
    public async Task Without_credits_the_agent_stops_replying_notifies_owners_and_resumes_after_a_top_up()
    {
        var ch = await app.ChannelAsync();
        await using (var owner = await app.OwnerAsync())
        {
            await using var cmd = new NpgsqlCommand("UPDATE message_credits SET remaining_credits = 0 WHERE organization_id = $1", owner);
            cmd.Parameters.AddWithValue(ch.Tenant.OrganizationId);
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000007", "Di", Wamid(), "anyone there?"));
        var conversation = await ConversationOfAsync(ch, "5511900000007");
        var id = Guid.Parse(conversation["id"]!.GetValue<string>());
        var messages = await MessagesWhenAsync(ch, id, m => m.Count == 1 && m[0]!["status"]?.GetValue<string>() == "pending", "the message to wait");
        var notes = await Eventually.GetAsync(async () => (await ch.Tenant.Http.GetJsonAsync("/api/v1/notifications?category=credits_exhausted")).Json!["data"]!.AsArray(), n => n.Count > 0, what: "a notification");
        notes[0]!["user_id"]!.GetValue<string>().ShouldBe(ch.Tenant.UserId.ToString());

        var grant = await ch.Tenant.Http.PostJsonAsync("/api/v1/message_credits/grant", new { credits = 10 });
        grant.Json!["remaining_credits"]!.GetValue<int>().ShouldBe(10);
        grant.Json["replies_resumed"]!.GetValue<int>().ShouldBe(1);
        messages = await MessagesWhenAsync(ch, id, m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "sent", "the late reply");
        messages[0]!["status"].ShouldBeNull();
        (await ch.Tenant.Http.PostJsonAsync("/api/v1/message_credits/grant", new { credits = 0 })).ShouldBeProblem(422, "credits");
    }

    [Fact]
    public async Task Concurrent_replies_never_spend_more_credits_than_there_are()
    {
        var ch = await app.ChannelAsync();
        await using (var owner = await app.OwnerAsync())
        {
            await using var cmd = new NpgsqlCommand("UPDATE message_credits SET remaining_credits = 5, total_used = 0 WHERE organization_id = $1", owner);
            cmd.Parameters.AddWithValue(ch.Tenant.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        var posts = Enumerable.Range(0, 12).Select(i => MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, $"55119100000{i:00}", "Buyer " + i, Wamid(), "price?")));
        await Task.WhenAll(posts);
        var replies = await Eventually.GetAsync(async () =>
        {
            var all = (await ch.Tenant.Http.GetJsonAsync("/api/v1/messages?limit=200")).Json!["data"]!.AsArray();
            return (User: all.Count(m => m!["role"]!.GetValue<string>() == "user"), Pending: all.Count(m => m!["status"]?.GetValue<string>() == "pending" && m["role"]!.GetValue<string>() == "user"),
                Sent: all.Count(m => m!["role"]!.GetValue<string>() == "assistant"));
        }, x => x.User == 12 && x.Pending + x.Sent == 12, what: "all 12 handled");
        replies.Sent.ShouldBe(5);
        replies.Pending.ShouldBe(7);
        var credits = (await ch.Tenant.Http.GetJsonAsync("/api/v1/message_credits")).Json!["data"]![0]!;
        credits["remaining_credits"]!.GetValue<int>().ShouldBe(0);
        credits["total_used"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public async Task Relinking_a_number_retires_the_old_agent_and_archives_its_active_conversations()
    {
        var ch = await app.ChannelAsync();
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000008", "E1", Wamid(), "hi"));
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000009", "E2", Wamid(), "hi"));
        await Eventually.GetAsync(() => app.ConversationsAsync(ch.Tenant), c => c.Count == 2, what: "two conversations");
        // A second agent lives on another number first.
        var other = await ch.Tenant.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform = "whatsapp", meta_phone_number_id = "PN" + Guid.NewGuid().ToString("N")[..10], access_token = "t" });
        var agentB = await ch.Tenant.Http.PostJsonAsync("/api/v1/agents", new { phone_number_id = other.Json!["id"]!.GetValue<string>(), prompt_id = "support", name = "Bruno" });
        var link = await ch.Tenant.Http.PostJsonAsync($"/api/v1/agents/{agentB.Json!["id"]}/link", new { phone_number_id = ch.PhoneNumberId });
        link.Status.ShouldBe(HttpStatusCode.OK, link.Json?.ToJsonString());
        link.Json!["archive"]!["archived_conversations_count"]!.GetValue<int>().ShouldBe(2);
        link.Json["archive"]!["old_agent_id"]!.GetValue<string>().ShouldBe(ch.AgentId.ToString());
        link.Json["agent"]!["phone_number_id"]!.GetValue<string>().ShouldBe(ch.PhoneNumberId.ToString());
        (await ch.Tenant.Http.GetJsonAsync($"/api/v1/agents/{ch.AgentId}")).Json!["is_active"]!.GetValue<bool>().ShouldBeFalse();
        (await app.ConversationsAsync(ch.Tenant)).ShouldAllBe(c => c!["is_active"]!.GetValue<bool>() == false);

        // The next message starts a new conversation with the new agent.
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, "5511900000008", "E1", Wamid(), "still there?"));
        var fresh = await Eventually.GetAsync(() => app.ConversationsAsync(ch.Tenant), c => c.Count == 3, what: "a new conversation");
        fresh.Single(c => c!["is_active"]!.GetValue<bool>())!["agent_id"]!.GetValue<string>().ShouldBe(agentB.Json["id"]!.GetValue<string>());
        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/agents/{agentB.Json["id"]}/link", new { phone_number_id = Guid.NewGuid() })).ShouldBeProblem(422, "phone_number_id");
    }

    [Fact]
    public async Task Operators_send_close_reopen_and_assign()
    {
        var ch = await app.ChannelAsync();
        const string phone = "5511900000010";
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, "Flo", Wamid(), "hi"));
        var conversation = await ConversationOfAsync(ch, phone);
        var id = conversation["id"]!.GetValue<string>();
        await MessagesWhenAsync(ch, Guid.Parse(id), m => m.Count == 2, "the automatic reply");

        var sent = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "Hi Flo, this is Dana from sales." });
        sent.Status.ShouldBe(HttpStatusCode.Created);
        sent.Json!["agent_name"]!.GetValue<string>().ShouldBe("human");
        await Eventually.GetAsync(() => Task.FromResult(app.Graph.Calls.Count(c => c.Body["text"]?["body"]?.GetValue<string>() == "Hi Flo, this is Dana from sales.")), n => n == 1, what: "the human message sent");

        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/assign", new { user_id = ch.Tenant.UserId })).Json!["assigned_to"]!.GetValue<string>().ShouldBe(ch.Tenant.UserId.ToString());
        await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(ch.MetaId, phone, "Flo", Wamid(), "thanks!"));
        await MessagesWhenAsync(ch, Guid.Parse(id), m => m.Count == 4, "the inbound message");
        await Task.Delay(500);
        (await app.MessagesAsync(ch.Tenant, Guid.Parse(id))).Count.ShouldBe(4); // assigned to a human: no automatic reply

        var closed = await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/close", new { });
        closed.Json!["is_active"]!.GetValue<bool>().ShouldBeFalse();
        closed.Json["status"]!.GetValue<string>().ShouldBe("resolved");
        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/messages", new { content = "x" })).ShouldBeProblem(409);
        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/reopen", new { })).Json!["is_active"]!.GetValue<bool>().ShouldBeTrue();
        (await ch.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{id}/assign", new { user_id = Guid.NewGuid() })).ShouldBeProblem(422, "assigned_to");
        var stranger = await app.SignupAsync();
        (await stranger.Http.PostJsonAsync($"/api/v1/conversations/{id}/close", new { })).ShouldBeProblem(404);
        var audit = await ch.Tenant.Http.GetJsonAsync($"/api/v1/audit_logs?entity_id={id}");
        // assign, close, reopen (the refused assign rolled back and left no trace)
        audit.Json!["data"]!.AsArray().Select(a => a!["action"]!.GetValue<string>()).ShouldBe(["update", "update", "update"]);
    }

    [Fact]
    public async Task Instagram_messages_are_answered_through_the_graph_api()
    {
        var ch = await app.ChannelAsync("instagram");
        await MetaWebhooks.PostAsync(app.Client(), "instagram", MetaWebhooks.InstagramText(ch.MetaId, "IGSID123", "mid.IN" + Guid.NewGuid().ToString("N"), "do you ship to Lisbon?"));
        var conversation = await ConversationOfAsync(ch, "IGSID123");
        conversation["channel"]!.GetValue<string>().ShouldBe("instagram");
        await MessagesWhenAsync(ch, Guid.Parse(conversation["id"]!.GetValue<string>()), m => m.Count == 2 && m[1]!["status"]?.GetValue<string>() == "sent", "the reply");
        var call = app.Graph.Calls.Single(c => c.Body["recipient"]?["id"]?.GetValue<string>() == "IGSID123");
        call.Path.ShouldBe($"/v21.0/{ch.MetaId}/messages");
        call.Body["message"]!["text"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Tokens_are_encrypted_at_rest_and_never_returned()
    {
        var ch = await app.ChannelAsync();
        var number = await ch.Tenant.Http.GetJsonAsync($"/api/v1/phone_numbers/{ch.PhoneNumberId}");
        number.Json!.AsObject().ContainsKey("access_token").ShouldBeFalse();
        number.Json["public_key"]!.GetValue<string>().ShouldStartWith("pk_");
        await using var owner = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand("SELECT access_token FROM phone_numbers WHERE id = $1", owner);
        cmd.Parameters.AddWithValue(ch.PhoneNumberId);
        var stored = (string)(await cmd.ExecuteScalarAsync())!;
        stored.ShouldNotContain(ch.MetaId);
        stored.Length.ShouldBeGreaterThan(40);
    }
}
