using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Sales.Booking;
using Clientele.Modules.Sales.Extraction;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Clientele.Tests;

/// <summary>A WhatsApp chat with the built-in engine (no AI key), driven through signed webhooks.</summary>
public sealed class LeadChat(ChannelsFixture app, ChannelsFixture.Channel channel, string phone, string name, ITestOutputHelper output)
{
    public ChannelsFixture.Channel Channel => channel;
    public AppFixture.Tenant Tenant => channel.Tenant;
    public string Phone => phone;
    public Guid ConversationId { get; private set; }

    public static string Wamid() => "wamid.LX" + Guid.NewGuid().ToString("N");
    public static string NewPhone() => "55119" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    /// <summary>Sends a customer message (text, or a button reply) and waits for the agent's reply to it.</summary>
    public async Task<JsonObject> SayAsync(string text, (string Id, string Title)? button = null)
    {
        var wamid = Wamid();
        var payload = button is { } b
            ? MetaWebhooks.WhatsAppButtonReply(channel.MetaId, phone, wamid, b.Id, b.Title)
            : MetaWebhooks.WhatsAppText(channel.MetaId, phone, name, wamid, text);
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", payload)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var reply = await Eventually.GetAsync(() => ReplyToAsync(wamid), r => r is not null, what: $"the reply to \"{text}\"");
        output.WriteLine($"{name}: {button?.Title ?? text}\n  agent: {reply!["content"]}");
        return reply;
    }

    /// <summary>Sends a message without waiting.</summary>
    public async Task SendAsync(string text) =>
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(channel.MetaId, phone, name, Wamid(), text))).StatusCode.ShouldBe(HttpStatusCode.OK);

    private async Task<JsonObject?> ReplyToAsync(string wamid)
    {
        var conversation = (await app.ConversationsAsync(Tenant)).FirstOrDefault(c => c!["customer_phone"]?.GetValue<string>() == phone);
        if (conversation is null) return null;
        ConversationId = Guid.Parse(conversation["id"]!.GetValue<string>());
        var all = await app.MessagesAsync(Tenant, ConversationId);
        var id = all.FirstOrDefault(m => m!["platform_message_id"]?.GetValue<string>() == wamid)?["id"]?.GetValue<string>();
        return id is null ? null : all.FirstOrDefault(m => m!["extra_metadata"]?["reply_to"]?.GetValue<string>() == id)?.AsObject();
    }

    public async Task<JsonArray> ListAsync(string url) => (await Tenant.Http.GetJsonAsync(url)).Json!["data"]!.AsArray();

    public async Task<JsonObject> GetAsync(string url) => (await Tenant.Http.GetJsonAsync(url)).Json!.AsObject();

    public Task<JsonArray> ExtractionsAsync() => ListAsync($"/api/v1/extractions?conversation_id={ConversationId}&order=extracted_at&limit=200");

    public async Task<JsonObject> ExtractAsync()
    {
        var r = await Tenant.Http.PostJsonAsync($"/api/v1/conversations/{ConversationId}/extract", new { });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return r.Json!.AsObject();
    }
}

/// <summary>Issue 5 items 4 and 5: lead extraction and demo booking in the chat, on the built-in engine.</summary>
public sealed class LeadExtractionTests(LeadsFixture app, ITestOutputHelper output) : IClassFixture<LeadsFixture>
{
    private const string MariasRequest = "Hi, I'm Maria from Acme. We need your product for 200 agents urgently. We have budget approved and we'd like a demo.";

    private async Task<LeadChat> ChatAsync(string name = "Maria Lopez", AppFixture.Tenant? tenant = null) =>
        new(app, await app.ChannelAsync(tenant: tenant), LeadChat.NewPhone(), name, output);

    private static int Int(JsonNode? n) => n!.GetValue<int>();
    private static string Str(JsonNode? n) => n!.GetValue<string>();

    [Fact]
    public async Task Marias_demo_request_on_whatsapp_becomes_a_hot_lead_and_a_demo_booked_on_the_calendar()
    {
        var chat = await ChatAsync();
        var calendar = GoogleFixture.Account();
        await app.ConnectGoogleAsync(chat.Tenant.Http, calendar);

        // 1. She asks; the agent answers her and offers three numbered slots from the calendar, in its time zone.
        var offer = await chat.SayAsync(MariasRequest);
        var text = Str(offer["content"]);
        text.ShouldContain("Maria");
        text.ShouldContain("demo");
        text.ShouldContain("(New York time):");
        text.ShouldContain("\n1. ");
        text.ShouldContain("\n3. ");
        var booking = (await chat.GetAsync($"/api/v1/conversations/{chat.ConversationId}"))["extra_metadata"]!["booking"]!;
        Str(booking["status"]).ShouldBe("offered");
        var slots = booking["slots"]!.AsArray().Select(s => DateTimeOffset.Parse(Str(s), CultureInfo.InvariantCulture)).ToList();
        slots.Count.ShouldBe(3);
        slots.ShouldAllBe(s => s > DateTimeOffset.UtcNow);
        var ny = TimeZoneInfo.FindSystemTimeZoneById(GoogleFixture.TimeZone);
        text.ShouldContain("2. " + BookingText.When(slots[1], ny));

        // 2. She picks the second; her email is unknown, so the agent asks for it.
        var ask = await chat.SayAsync("2");
        Str(ask["content"]).ShouldContain("email");
        Str(ask["content"]).ShouldContain(BookingText.When(slots[1], ny));
        app.Google.CalendarOf(calendar).Events.ShouldBeEmpty();

        // 3. She gives it: the event is created with a Meet link, and the agent sends it.
        var booked = await chat.SayAsync("Sure, it's maria@acme.test");
        var ev = app.Google.CalendarOf(calendar).Events.Values.ShouldHaveSingleItem();
        var meet = Str(ev["hangoutLink"]);
        meet.ShouldStartWith("https://meet.google.com/");
        Str(booked["content"]).ShouldContain(meet);
        DateTimeOffset.Parse(Str(ev["start"]!["dateTime"]), CultureInfo.InvariantCulture).ShouldBe(slots[1]);
        ev["attendees"]!.AsArray().Select(a => Str(a!["email"])).ShouldContain("maria@acme.test");

        var meeting = (await chat.ListAsync($"/api/v1/meetings?conversation_id={chat.ConversationId}")).ShouldHaveSingleItem()!;
        Str(meeting["meeting_url"]).ShouldBe(meet);
        Str(meeting["customer_email"]).ShouldBe("maria@acme.test");
        DateTimeOffset.Parse(Str(meeting["scheduled_at"]), CultureInfo.InvariantCulture).ShouldBe(slots[1]);

        // The latest extraction says who she is, with High urgency and an explained Hot tag quoting her.
        var latest = (await chat.ListAsync($"/api/v1/extractions?conversation_id={chat.ConversationId}&is_latest=true")).ShouldHaveSingleItem()!;
        output.WriteLine(latest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Str(latest["name"]).ShouldStartWith("Maria");
        Str(latest["company"]).ShouldBe("Acme");
        Str(latest["email"]).ShouldBe("maria@acme.test");
        Str(latest["urgency_level"]).ShouldBe("High");
        Int(latest["urgency_score"]).ShouldBe(3);
        Str(latest["budget_constraint"]).ShouldBe("Yes");
        Str(latest["intent_level"]).ShouldBe("High");
        Str(latest["cta_demo_clicked"]).ShouldBe("Yes");
        Int(latest["message_count_at_extraction"]).ShouldBe(3);
        var total = Int(latest["intent_score"]) + Int(latest["urgency_score"]) + Int(latest["budget_score"]) + Int(latest["fit_score"]) + Int(latest["engagement_score"]);
        Int(latest["total_score"]).ShouldBe(total);
        Str(latest["lead_status_tag"]).ShouldBe(total >= 12 ? "Hot" : total >= 8 ? "Warm" : "Cold");
        Str(latest["lead_status_tag"]).ShouldBe("Hot");
        DateTimeOffset.Parse(Str(latest["demo_book_datetime"]), CultureInfo.InvariantCulture).ShouldBe(slots[1]);
        var reasoning = latest["reasoning"]!;
        foreach (var dimension in new[] { "intent", "urgency", "budget", "fit", "engagement" })
            Str(reasoning["scores"]![dimension]!["why"]).ShouldNotBeNullOrWhiteSpace();
        foreach (var dimension in new[] { "intent", "urgency", "budget", "fit" })
        {
            var quotes = reasoning["scores"]![dimension]!["evidence"]!.AsArray().Select(q => Str(q)).ToList();
            quotes.ShouldNotBeEmpty($"{dimension} quotes her");
            quotes.ShouldAllBe(q => MariasRequest.Contains(q));
        }
        reasoning["scores"]!["urgency"]!["evidence"]![0]!.GetValue<string>().ShouldContain("urgently");
        reasoning["scores"]!["budget"]!["evidence"]![0]!.GetValue<string>().ShouldContain("budget");
        Str(reasoning["status_why"]).ShouldContain("Hot");
        var notification = Str(latest["smart_notification"]);
        notification.ShouldStartWith("🔥 Hot: Maria (Acme) wants a demo for 200 agents urgently — budget yes");

        // A lead linked to the conversation and her customer record; the owners heard of it once.
        var conversation = await chat.GetAsync($"/api/v1/conversations/{chat.ConversationId}");
        var lead = (await chat.ListAsync($"/api/v1/leads?conversation_id={chat.ConversationId}")).ShouldHaveSingleItem()!;
        Str(lead["customer_id"]).ShouldBe(Str(conversation["customer_id"]));
        Str(lead["source"]).ShouldBe("whatsapp");
        Int(lead["lead_score"]).ShouldBe((total - 5) * 10);
        Str(lead["qualification_status"]).ShouldBe("sql");
        Str(lead["email"]).ShouldBe("maria@acme.test");
        Str(lead["company"]).ShouldBe("Acme");
        var hot = (await chat.ListAsync("/api/v1/notifications?category=lead_hot")).ShouldHaveSingleItem()!;
        Str(hot["message"]).ShouldBe(notification);

        // One credit per reply, and every model call is logged.
        var messages = await app.MessagesAsync(chat.Tenant, chat.ConversationId);
        var replies = messages.Where(m => Str(m!["role"]) == "assistant").ToList();
        replies.Count.ShouldBe(3);
        Int((await chat.ListAsync("/api/v1/message_credits"))[0]!["remaining_credits"]).ShouldBe(100 - 3);
        var logs = await chat.ListAsync("/api/v1/llm_usage_logs?limit=200");
        logs.Count(l => Str(l!["workflow_name"]) == "lead.extraction" && Str(l["node_name"]) == "extract")
            .ShouldBe((await chat.ExtractionsAsync()).Count);
        logs.Count(l => Str(l!["workflow_name"]) == "agent.reply").ShouldBe(replies.Count(r => r!["model_used"] is not null));
        logs.Count.ShouldBe(logs.Count(l => Str(l!["workflow_name"]) is "lead.extraction" or "agent.reply"));
        logs.ShouldAllBe(l => Str(l!["model"]) == "clientele-builtin-1");
    }

    [Fact]
    public async Task An_extraction_follows_every_three_customer_messages_and_each_extract_request_moving_is_latest()
    {
        var chat = await ChatAsync("Bruno Costa");
        await chat.SayAsync("Hello there");
        await chat.SayAsync("How much is it for 12 users?");
        (await chat.ExtractionsAsync()).ShouldBeEmpty();
        await chat.SayAsync("Does it integrate with Salesforce?");
        var first = (await Eventually.GetAsync(chat.ExtractionsAsync, e => e.Count == 1, what: "the extraction after 3 messages")).Single()!;
        Int(first["message_count_at_extraction"]).ShouldBe(3);
        first["is_latest"]!.GetValue<bool>().ShouldBeTrue();
        Str(first["reasoning"]!["trigger"]).ShouldBe("messages");

        var manual = await chat.ExtractAsync();
        manual["is_latest"]!.GetValue<bool>().ShouldBeTrue();
        Int(manual["message_count_at_extraction"]).ShouldBe(3);
        Str(manual["reasoning"]!["trigger"]).ShouldBe("manual");
        var all = await chat.ExtractionsAsync();
        all.Count.ShouldBe(2);
        all.Single(e => e!["is_latest"]!.GetValue<bool>())!["id"]!.ToString().ShouldBe(manual["id"]!.ToString());
        (await chat.GetAsync($"/api/v1/conversations/{chat.ConversationId}"))["last_extraction_at"].ShouldNotBeNull();

        await chat.SayAsync("We are a team of 12 at Globex");
        await chat.SayAsync("Could you send me the pricing?");
        (await chat.ExtractionsAsync()).Count.ShouldBe(2);
        await chat.SayAsync("Thanks!");
        all = await Eventually.GetAsync(chat.ExtractionsAsync, e => e.Count == 3, what: "the extraction after 6 messages");
        all.Select(e => Int(e!["message_count_at_extraction"])).ShouldBe([3, 3, 6]);
        all.Count(e => e!["is_latest"]!.GetValue<bool>()).ShouldBe(1);
        all[2]!["is_latest"]!.GetValue<bool>().ShouldBeTrue();
        Str(all[2]!["company"]).ShouldBe("Globex");
        Str(all[2]!["cta_pricing_clicked"]).ShouldBe("Yes");
        Str(all[2]!["reasoning"]!["ctas"]!["pricing"]!["source"]).ShouldBe("text");

        // One lead for the conversation, updated by every extraction.
        var lead = (await chat.ListAsync($"/api/v1/leads?conversation_id={chat.ConversationId}")).ShouldHaveSingleItem()!;
        Int(lead["lead_score"]).ShouldBe((Int(all[2]!["total_score"]) - 5) * 10);
        Str(lead["extra_metadata"]!["extraction_id"]).ShouldBe(Str(all[2]!["id"]));

        // Unknown, malformed and other tenants' conversations are 404.
        (await chat.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{Guid.NewGuid()}/extract", new { })).ShouldBeProblem(404);
        (await chat.Tenant.Http.PostJsonAsync("/api/v1/conversations/not-an-id/extract", new { })).ShouldBeProblem(404);
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/conversations/{chat.ConversationId}/extract", new { })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task Concurrent_messages_and_extract_requests_leave_exactly_one_latest_extraction()
    {
        var chat = await ChatAsync("Carla Dias");
        await chat.SayAsync("Hi, I'm Carla from Initech and we need a demo for 40 agents.");
        var sends = Enumerable.Range(1, 6).Select(i => chat.SendAsync($"Question {i}: does it support SSO and audit logs?")).ToList();
        var extracts = Enumerable.Range(1, 8).Select(_ => chat.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{chat.ConversationId}/extract", new { })).ToList();
        await Task.WhenAll(sends);
        (await Task.WhenAll(extracts)).ShouldAllBe(r => r.Status == HttpStatusCode.Created);

        // Every message answered and every automatic extraction done.
        await Eventually.GetAsync(async () => (await chat.ListAsync("/api/v1/outbox?processed_at[is_null]=true&dead_at[is_null]=true&limit=200"))
                .Count(o => Str(o!["topic"]) is "agent.reply" || (Str(o["topic"]) == "lead.extract" && Str(o["payload"]!["trigger"]) == "messages"))
                + (await chat.ListAsync("/api/v1/inbound_events?status=received&processed_at[is_null]=true&dead_at[is_null]=true&limit=200")).Count,
            n => n == 0, TimeSpan.FromSeconds(60), "the replies and extractions to finish");
        var all = await chat.ExtractionsAsync();
        all.Count.ShouldBeGreaterThanOrEqualTo(8);
        all.Count(e => e!["is_latest"]!.GetValue<bool>()).ShouldBe(1);
        var latest = all.Single(e => e!["is_latest"]!.GetValue<bool>())!;
        var byTime = all.OrderBy(e => DateTimeOffset.Parse(Str(e!["extracted_at"]), CultureInfo.InvariantCulture)).ToList();
        Str(latest["id"]).ShouldBe(Str(byTime[^1]!["id"]));
        // Serialized: each extraction saw at least as many messages as the one before it, and the last one all 7.
        var counts = byTime.Select(e => Int(e!["message_count_at_extraction"])).ToList();
        counts.ShouldBe(counts.Order().ToList());
        counts.Max().ShouldBeLessThanOrEqualTo(7);
        (await chat.ListAsync($"/api/v1/leads?conversation_id={chat.ConversationId}")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_cta_button_click_is_counted_and_without_a_calendar_a_teammate_sends_times()
    {
        var chat = await ChatAsync("Diego Ramos");
        var reply = await chat.SayAsync("Book a demo", ("book_demo", "Book a demo"));
        Str(reply["content"]).ShouldContain(BookingText.TeammateWillSend);
        Str(reply["extra_metadata"]!["booking"]!["status"]).ShouldBe("none");
        await chat.SayAsync("See pricing", ("pricing_plans", "See pricing"));

        var extraction = await chat.ExtractAsync();
        Str(extraction["cta_demo_clicked"]).ShouldBe("Yes");
        Str(extraction["cta_pricing_clicked"]).ShouldBe("Yes");
        Str(extraction["cta_sample_clicked"]).ShouldBe("No");
        Str(extraction["cta_escalated_to_human"]).ShouldBe("No");
        Str(extraction["reasoning"]!["ctas"]!["demo"]!["source"]).ShouldBe("button");
        Str(extraction["reasoning"]!["ctas"]!["demo"]!["evidence"]).ShouldContain("Book a demo");
        Str(extraction["intent_level"]).ShouldBe("High");
        Str(extraction["reasoning"]!["scores"]!["intent"]!["why"]).ShouldBe("clicked the demo button");
        (await chat.ListAsync($"/api/v1/meetings?conversation_id={chat.ConversationId}")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_hot_lead_notifies_the_owners_once_and_a_cold_lead_never()
    {
        var hot = await ChatAsync();
        await hot.SayAsync(MariasRequest);
        var first = await hot.ExtractAsync();
        Str(first["lead_status_tag"]).ShouldBe("Hot");
        var again = await hot.ExtractAsync();
        Str(again["lead_status_tag"]).ShouldBe("Hot");
        var notes = await hot.ListAsync("/api/v1/notifications?category=lead_hot");
        notes.Count.ShouldBe(1); // one owner, told once although two extractions said Hot
        Str(notes[0]!["data"]!["conversation_id"]).ShouldBe(hot.ConversationId.ToString());
        Str(notes[0]!["title"]).ShouldContain("Maria");

        var cold = new LeadChat(app, await app.ChannelAsync(tenant: hot.Tenant), LeadChat.NewPhone(), "Eve", output);
        await cold.SayAsync("hi");
        await cold.SayAsync("just looking around");
        var extraction = await cold.ExtractAsync();
        Str(extraction["lead_status_tag"]).ShouldBe("Cold");
        Int(extraction["total_score"]).ShouldBeLessThanOrEqualTo(7);
        Str(extraction["smart_notification"]).ShouldStartWith("❄️ Cold:");
        Str((await cold.ListAsync($"/api/v1/leads?conversation_id={cold.ConversationId}")).Single()!["qualification_status"]).ShouldBe("new");
        (await hot.ListAsync("/api/v1/notifications?category=lead_hot")).Count.ShouldBe(1);
    }
}

/// <summary>Extraction after inactivity (Leads__ExtractAfterIdleMinutes, 1.5 s here).</summary>
public sealed class LeadInactivityTests(IdleLeadsFixture app, ITestOutputHelper output) : IClassFixture<IdleLeadsFixture>
{
    [Fact]
    public async Task A_quiet_customer_gets_one_extraction_after_the_idle_time()
    {
        var chat = new LeadChat(app, await app.ChannelAsync(), LeadChat.NewPhone(), "Fiona", output);
        await chat.SayAsync("Hi, what does the Pro plan cost?");
        await chat.SayAsync("We're 8 people at Umbrella.");
        var extraction = (await Eventually.GetAsync(chat.ExtractionsAsync, e => e.Count > 0, TimeSpan.FromSeconds(20), "the inactivity extraction")).Single()!;
        extraction["reasoning"]!["trigger"]!.GetValue<string>().ShouldBe("inactivity");
        extraction["message_count_at_extraction"]!.GetValue<int>().ShouldBe(2);
        // Nothing new was said: no further extraction.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await chat.ExtractionsAsync()).Count.ShouldBe(1);
        var conversation = await chat.GetAsync($"/api/v1/conversations/{chat.ConversationId}");
        conversation["extra_metadata"]!["lead_extraction"]!["idle_check_at"].ShouldBeNull();
    }
}

/// <summary>Matching a customer's answer to the offered demo slots (pure).</summary>
public sealed class SlotPickTests
{
    private static readonly TimeZoneInfo Ny = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    // Monday 2030-03-04 08:00 in New York; slots Tue 9:00, Wed 14:00, Thu 10:30.
    private static readonly DateTimeOffset Now = new(2030, 3, 4, 8, 0, 0, TimeSpan.FromHours(-5));
    private static readonly DateTimeOffset[] Slots =
    [
        new(2030, 3, 5, 9, 0, 0, TimeSpan.FromHours(-5)),
        new(2030, 3, 6, 14, 0, 0, TimeSpan.FromHours(-5)),
        new(2030, 3, 7, 10, 30, 0, TimeSpan.FromHours(-5)),
    ];

    [Theory]
    [InlineData("2", 1)]
    [InlineData("2 please", 1)]
    [InlineData("Option 3", 2)]
    [InlineData("the second one", 1)]
    [InlineData("I'll take the first", 0)]
    [InlineData("the last one works", 2)]
    [InlineData("Tuesday 9:00", 0)]
    [InlineData("wed at 2pm", 1)]
    [InlineData("Thursday works for me", 2)]
    [InlineData("10:30 is perfect", 2)]
    [InlineData("a segunda opção", 1)]
    [InlineData("quinta-feira às 10h30", 2)]
    public void A_pick_names_an_offered_slot(string text, int index) =>
        SlotPick.Match(text, Slots, Ny, Now).ShouldBe(new PickResult.Picked(index));

    [Fact]
    public void A_time_not_offered_is_a_proposal_in_the_calendar_zone()
    {
        var p = SlotPick.Match("How about Friday at 4pm?", Slots, Ny, Now).ShouldBeOfType<PickResult.Proposed>();
        p.ExactTime.ShouldBeTrue();
        p.At.ShouldBe(new DateTimeOffset(2030, 3, 8, 16, 0, 0, TimeSpan.FromHours(-5)));
        SlotPick.Match("What about Friday?", Slots, Ny, Now).ShouldBe(new PickResult.Proposed(new DateTimeOffset(2030, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5)), false));
    }

    [Theory]
    [InlineData("Can you tell me more about the integrations?")]
    [InlineData("We have 200 agents")]
    [InlineData("12")]
    public void Other_messages_pick_nothing(string text) =>
        SlotPick.Match(text, Slots, Ny, Now).ShouldBe(new PickResult.None());
}

/// <summary>Extraction with Ai__Provider=openai: the model's JSON, the rules for what it omits, the rules alone when it fails.</summary>
public sealed class LeadExtractionModelTests(OpenAiLeadsFixture app, ITestOutputHelper output) : IClassFixture<OpenAiLeadsFixture>
{
    private const string MariasRequest = "Hi, I'm Maria from Acme. We need your product for 200 agents urgently. We have budget approved and we'd like a demo.";

    private static FakeOpenAi.Reply Answer(FakeOpenAi.Request request) =>
        request.Messages[0]!["content"]!.GetValue<string>().StartsWith("You qualify a sales lead", StringComparison.Ordinal)
            ? new FakeOpenAi.Reply
            {
                // engagement_health omitted; the budget quote is not her words.
                Content = """
                    ```json
                    {"name": "Maria Lopez", "email": null, "company": "Acme Corp", "seats": 200, "intent": "Demo for 200 support agents",
                     "intent_level": "High", "urgency_level": "High", "budget_constraint": "Yes", "fit_alignment": "High",
                     "requests": ["demo", "followup"],
                     "reasons": {"urgency": "needs it urgently", "budget": "budget approved"},
                     "evidence": {"urgency": "We need your product for 200 agents urgently.", "budget": "We signed a budget of one million"}}
                    ```
                    """,
                PromptTokens = 900, CompletionTokens = 150,
            }
            : new FakeOpenAi.Reply { Content = "Thanks Maria! I'd be glad to show you a demo.", PromptTokens = 400, CompletionTokens = 20 };

    [Fact]
    public async Task Marias_conversation_on_the_openai_provider_leaves_the_same_records_as_the_builtin_engine()
    {
        // Issue 5: "the same conversation with Ai__Provider=openai against the fake server produces the same records".
        app.OpenAi.Responder = Answer;
        var chat = new LeadChat(app, await app.ChannelAsync(), LeadChat.NewPhone(), "Maria Lopez", output);
        var reply = await chat.SayAsync(MariasRequest);
        reply["model_used"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        reply["content"]!.GetValue<string>().ShouldStartWith("Thanks Maria!");
        (await chat.ListAsync("/api/v1/message_credits"))[0]!["total_used"]!.GetValue<int>().ShouldBe(1); // one credit per reply

        var user = (await app.MessagesAsync(chat.Tenant, chat.ConversationId)).First(m => m!["role"]!.GetValue<string>() == "user")!;
        user["intent"]!.GetValue<string>().ShouldBe("demo");
        user["urgency"]!.GetValue<string>().ShouldBeOneOf("high", "critical");

        var extraction = await chat.ExtractAsync();
        extraction["is_latest"]!.GetValue<bool>().ShouldBeTrue();
        extraction["urgency_level"]!.GetValue<string>().ShouldBe("High");
        extraction["lead_status_tag"]!.GetValue<string>().ShouldBeOneOf("Hot", "Warm");
        var lead = (await chat.ListAsync($"/api/v1/leads?conversation_id={chat.ConversationId}")).ShouldHaveSingleItem()!;
        lead["source"]!.GetValue<string>().ShouldBe("whatsapp");
        var logs = await chat.ListAsync("/api/v1/llm_usage_logs?limit=200");
        logs.Select(l => l!["workflow_name"]!.GetValue<string>()).ShouldContain("agent.reply");
        logs.Select(l => l!["workflow_name"]!.GetValue<string>()).ShouldContain("lead.extraction");
        logs.ShouldAllBe(l => l!["model"]!.GetValue<string>() == "gpt-4o-mini");
    }

    [Fact]
    public async Task The_models_json_is_used_checked_and_completed_by_the_rules_and_a_failed_call_leaves_the_rules()
    {
        app.OpenAi.Responder = Answer;
        var chat = new LeadChat(app, await app.ChannelAsync(), LeadChat.NewPhone(), "Maria Lopez", output);
        await chat.SayAsync(MariasRequest);

        var e = await chat.ExtractAsync();
        var reasoning = e["reasoning"]!;
        reasoning["method"]!.GetValue<string>().ShouldBe("model");
        reasoning["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        e["company"]!.GetValue<string>().ShouldBe("Acme Corp");
        e["intent"]!.GetValue<string>().ShouldBe("Demo for 200 support agents");
        e["urgency_level"]!.GetValue<string>().ShouldBe("High");
        reasoning["scores"]!["urgency"]!["why"]!.GetValue<string>().ShouldBe("needs it urgently");
        reasoning["scores"]!["urgency"]!["evidence"]![0]!.GetValue<string>().ShouldBe("We need your product for 200 agents urgently.");
        // The invented quote is replaced by her real words.
        reasoning["scores"]!["budget"]!["evidence"]![0]!.GetValue<string>().ShouldBe("We have budget approved and we'd like a demo.");
        reasoning["filled_by_rules"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain("engagement_health");
        e["engagement_health"]!.GetValue<string>().ShouldBe("Medium"); // the rules: one message in which she introduced herself
        e["cta_followup_clicked"]!.GetValue<string>().ShouldBe("Yes");
        reasoning["ctas"]!["followup"]!["source"]!.GetValue<string>().ShouldBe("model");
        e["total_score"]!.GetValue<int>().ShouldBe(14);
        e["lead_status_tag"]!.GetValue<string>().ShouldBe("Hot");

        var call = app.OpenAi.Requests.Last(r => r.Messages[0]!["content"]!.GetValue<string>().StartsWith("You qualify", StringComparison.Ordinal));
        call.Body["response_format"]!["type"]!.GetValue<string>().ShouldBe("json_object");
        call.Body["temperature"]!.GetValue<double>().ShouldBe(0);
        call.Messages.Select(m => m!["content"]?.ToString()).ShouldContain(MariasRequest);
        var logs = await chat.ListAsync("/api/v1/llm_usage_logs?workflow_name=lead.extraction");
        var log = logs.ShouldHaveSingleItem()!;
        log["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        log["total_tokens"]!.GetValue<int>().ShouldBe(1050);
        log["cost"]!.GetValue<decimal>().ShouldBeGreaterThan(0);

        // The model fails (after its retry): the rules score the lead, and the failed call is logged.
        app.OpenAi.FailNext(2, 500);
        var fallback = await chat.ExtractAsync();
        fallback["reasoning"]!["method"]!.GetValue<string>().ShouldBe("rules");
        fallback["company"]!.GetValue<string>().ShouldBe("Acme");
        fallback["urgency_level"]!.GetValue<string>().ShouldBe("High");
        fallback["is_latest"]!.GetValue<bool>().ShouldBeTrue();
        var failed = await Eventually.GetAsync(() => chat.ListAsync("/api/v1/llm_usage_logs?workflow_name=lead.extraction&total_tokens=0"), l => l.Count == 1,
            what: "the failed call's log");
        failed[0]!["node_name"]!.GetValue<string>().ShouldBe("extract");
    }
}
