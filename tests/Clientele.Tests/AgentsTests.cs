using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Orchestration;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;
using Xunit.Abstractions;

namespace Clientele.Tests;

/// <summary>The channel host with the built-in AI provider (the default: no key).</summary>
public sealed class AgentsFixture : ChannelsFixture;

/// <summary>A customer writing to an agent on WhatsApp through signed webhooks, and reading what the agents recorded.</summary>
public abstract class AgentConversations(ChannelsFixture app, ITestOutputHelper output)
{
    protected const string PricingArticle = "Plans and pricing";
    protected const string PricingFact = "49";

    protected static string Wamid() => "wamid.AG" + Guid.NewGuid().ToString("N");
    private static string Phone() => "55119" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    protected sealed record Chat(ChannelsFixture.Channel Channel, string Phone, string Name)
    {
        public AppFixture.Tenant Tenant => Channel.Tenant;
        public Guid ConversationId { get; set; }
    }

    protected ChannelsFixture App => app;
    protected ITestOutputHelper Output => output;

    protected async Task<Chat> ChatAsync(string name = "Maria Souza")
    {
        var ch = await app.ChannelAsync();
        return new Chat(ch, Phone(), name);
    }

    /// <summary>Sends a customer message and waits until the agent's reply to it exists; returns the customer message and the reply.</summary>
    protected async Task<(JsonObject Customer, JsonObject Reply)> SayAsync(Chat chat, string text)
    {
        var wamid = Wamid();
        (await MetaWebhooks.PostAsync(app.Client(), "whatsapp", MetaWebhooks.WhatsAppText(chat.Channel.MetaId, chat.Phone, chat.Name, wamid, text))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var messages = await Eventually.GetAsync(async () =>
        {
            var conversations = (await app.ConversationsAsync(chat.Tenant)).Where(c => c!["customer_phone"]?.GetValue<string>() == chat.Phone).ToList();
            foreach (var c in conversations)
            {
                var all = await app.MessagesAsync(chat.Tenant, Guid.Parse(c!["id"]!.GetValue<string>()));
                var mine = all.FirstOrDefault(m => m!["platform_message_id"]?.GetValue<string>() == wamid);
                if (mine is not null)
                {
                    chat.ConversationId = Guid.Parse(c["id"]!.GetValue<string>());
                    return all;
                }
            }
            return [];
        }, all => Reply(all, wamid) is not null, what: $"the reply to \"{text}\"");
        var customer = messages.Single(m => m!["platform_message_id"]?.GetValue<string>() == wamid)!.AsObject();
        var reply = Reply(messages, wamid)!;
        output.WriteLine($"{chat.Name}: {text}\n  [{customer["intent"]} {customer["confidence"]}, {customer["sentiment"]}, {customer["urgency"]}] " +
            $"{reply["agent_name"]} ({reply["extra_metadata"]!["specialist"]}): {reply["content"]}");
        return (customer, reply);
    }

    private static JsonObject? Reply(JsonArray all, string wamid)
    {
        var id = all.FirstOrDefault(m => m!["platform_message_id"]?.GetValue<string>() == wamid)?["id"]?.GetValue<string>();
        return id is null ? null : all.FirstOrDefault(m => m!["extra_metadata"]?["reply_to"]?.GetValue<string>() == id)?.AsObject();
    }

    protected static async Task<JsonObject> GetAsync(AppFixture.Tenant t, string url) => (await t.Http.GetJsonAsync(url)).Json!.AsObject();

    protected static async Task<JsonArray> ListAsync(AppFixture.Tenant t, string url) => (await t.Http.GetJsonAsync(url)).Json!["data"]!.AsArray();

    protected static async Task<Guid> ArticleAsync(AppFixture.Tenant t, string title, string content)
    {
        var r = await t.Http.PostJsonAsync("/api/v1/knowledge_base", new { title, content, category = "faq", is_public = true });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return Guid.Parse(r.Json!["id"]!.GetValue<string>());
    }

    protected static async Task<(Guid Pricing, Guid Webhooks)> KnowledgeAsync(AppFixture.Tenant t) => (
        await ArticleAsync(t, PricingArticle, $"The Pro plan costs ${PricingFact} per agent per month, billed annually. The Enterprise plan adds SSO and a dedicated success manager; prices for 200 seats or more are quoted by sales."),
        await ArticleAsync(t, "Webhook errors", "When the webhook integration returns error 500, check that your endpoint answers within 10 seconds and returns 200. Failed webhook deliveries are retried for 24 hours."));

    protected static string[] Strings(JsonNode? array) => array!.AsArray().Select(x => x!.GetValue<string>()).ToArray();

}

/// <summary>Issue 5 item 2: the multi-agent replies end to end through signed WhatsApp webhooks, on the built-in engine.</summary>
public sealed class AgentsTests(AgentsFixture app, ITestOutputHelper output) : AgentConversations(app, output), IClassFixture<AgentsFixture>
{
    [Fact]
    public async Task A_pricing_question_gets_a_sales_answer_grounded_in_the_knowledge_base()
    {
        var chat = await ChatAsync();
        var (pricing, webhooks) = await KnowledgeAsync(chat.Tenant);

        var (customer, reply) = await SayAsync(chat, "Hi, how much does the Pro plan cost per month?");

        reply["content"]!.GetValue<string>().ShouldContain(PricingFact);
        reply["agent_name"]!.GetValue<string>().ShouldBe("Sofia");
        reply["extra_metadata"]!["specialist"]!.GetValue<string>().ShouldBe("sales");
        reply["model_used"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        reply["tokens_used"]!.GetValue<int>().ShouldBeGreaterThan(0);
        reply["agent_confidence"]!.GetValue<decimal>().ShouldBeInRange(0.01m, 1m);
        Strings(reply["extra_metadata"]!["kb_articles_used"]).ShouldContain(pricing.ToString());

        // The customer's message carries its analysis.
        customer["intent"]!.GetValue<string>().ShouldBe("pricing");
        customer["sentiment"]!.GetValue<double>().ShouldBeInRange(-1, 1);
        customer["confidence"]!.GetValue<double>().ShouldBeGreaterThan(0);
        customer["urgency"]!.GetValue<string>().ShouldBeOneOf("low", "medium", "high", "critical");
        customer["extra_metadata"]!["emotion"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();

        // And the conversation its running state.
        var conversation = await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}");
        Strings(conversation["kb_articles_used"]).ShouldContain(pricing.ToString());
        Strings(conversation["kb_articles_used"]).ShouldNotContain(webhooks.ToString());
        Strings(conversation["agents_involved"]).ShouldBe(["sales"]);
        conversation["primary_intent"]!.GetValue<string>().ShouldBe("pricing");
        conversation["intent_confidence"]!.GetValue<decimal>().ShouldBe(Math.Round((decimal)customer["confidence"]!.GetValue<double>(), 2));
        conversation["sentiment_avg"]!.GetValue<double>().ShouldBe(customer["sentiment"]!.GetValue<double>(), 1e-9);
        conversation["emotion"]!.GetValue<string>().ShouldBe(customer["extra_metadata"]!["emotion"]!.GetValue<string>());
        conversation["first_response_time_seconds"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);

        // The router handed the conversation to sales, and the one model call is logged.
        var handoff = (await ListAsync(chat.Tenant, $"/api/v1/agent_handoffs?conversation_id={chat.ConversationId}")).Single()!;
        handoff["from_agent"]!.GetValue<string>().ShouldBe("router");
        handoff["to_agent"]!.GetValue<string>().ShouldBe("sales");
        var usage = await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs");
        usage.Count.ShouldBe(1);
        usage[0]!["workflow_name"]!.GetValue<string>().ShouldBe("agent.reply");
        usage[0]!["node_name"]!.GetValue<string>().ShouldBe("sales");
        usage[0]!["total_tokens"]!.GetValue<int>().ShouldBe(reply["tokens_used"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_topic_change_hands_the_conversation_to_the_technical_agent_and_back_to_sales()
    {
        var chat = await ChatAsync("Joana Lima");
        var (_, webhooks) = await KnowledgeAsync(chat.Tenant);
        await SayAsync(chat, "What is the price of the Pro plan for my team?");
        var (technicalQuestion, technical) = await SayAsync(chat, "Also, our webhook integration returns error 500 when the API calls our endpoint. How do I fix it?");
        technicalQuestion["intent"]!.GetValue<string>().ShouldBeOneOf("technical", "support");
        technical["extra_metadata"]!["specialist"]!.GetValue<string>().ShouldBe("technical");
        Strings(technical["extra_metadata"]!["kb_articles_used"]).ShouldContain(webhooks.ToString());

        var handoffs = await ListAsync(chat.Tenant, $"/api/v1/agent_handoffs?conversation_id={chat.ConversationId}&order=timestamp");
        handoffs.Select(h => $"{h!["from_agent"]}->{h["to_agent"]}").ShouldBe(["router->sales", "sales->technical"]);
        var toTechnical = handoffs[1]!;
        toTechnical["handoff_reason"]!.GetValue<string>().ShouldContain("sales");
        toTechnical["confidence_before"]!.GetValue<decimal>().ShouldBe(Math.Round((decimal)technicalQuestion["confidence"]!.GetValue<double>(), 2));
        toTechnical["latency_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        Output.WriteLine($"handoff latency: router->sales {handoffs[0]!["latency_ms"]} ms, sales->technical {toTechnical["latency_ms"]} ms");
        var state = toTechnical["state_transferred"]!;
        state["intent"]!.GetValue<string>().ShouldBe(technicalQuestion["intent"]!.GetValue<string>());
        state["primary_intent"].ShouldNotBeNull();
        state["summary"]!.GetValue<string>().ShouldContain("Joana");
        state["summary"]!.GetValue<string>().ShouldContain("after talking about pricing");
        state["entities"].ShouldBeOfType<JsonObject>();
        state["messages_so_far"]!.GetValue<int>().ShouldBe(3); // the question, the answer, and this message

        // Back to pricing: back to sales.
        var (_, back) = await SayAsync(chat, "Thanks. And how much would the Enterprise plan cost for 200 seats?");
        back["extra_metadata"]!["specialist"]!.GetValue<string>().ShouldBe("sales");
        handoffs = await ListAsync(chat.Tenant, $"/api/v1/agent_handoffs?conversation_id={chat.ConversationId}&order=timestamp");
        handoffs.Select(h => $"{h!["from_agent"]}->{h["to_agent"]}").ShouldBe(["router->sales", "sales->technical", "technical->sales"]);
        var conversation = await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}");
        Strings(conversation["agents_involved"]).ShouldBe(["sales", "technical"]);
        // One model call per reply, named after the agent that answered (the third message also starts a lead.extraction call).
        var usage = await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs?workflow_name=agent.reply&order=created_at");
        usage.Select(u => $"{u!["workflow_name"]}/{u["node_name"]}").ShouldBe(["agent.reply/sales", "agent.reply/technical", "agent.reply/sales"]);
    }

    [Fact]
    public async Task A_refund_request_is_verified_by_a_second_agent_before_the_reply_is_sent()
    {
        var chat = await ChatAsync("Rita Alves");
        await ArticleAsync(chat.Tenant, "Refund policy", "Refunds of an annual plan are possible within 30 days of the payment. Monthly plans are not refunded, but you can cancel at any time.");
        var (customer, reply) = await SayAsync(chat, "Hi, I want a refund for the annual plan I paid last week, please.");

        var collaborations = await ListAsync(chat.Tenant, $"/api/v1/agent_collaborations?conversation_id={chat.ConversationId}");
        collaborations.Count.ShouldBe(1, reply.ToJsonString() + customer.ToJsonString());
        var collaboration = collaborations[0]!;
        collaboration["collaboration_type"]!.GetValue<string>().ShouldBe("verification");
        var agents = Strings(collaboration["agents_involved"]);
        agents.Length.ShouldBe(2);
        agents[0].ShouldBe(reply["extra_metadata"]!["specialist"]!.GetValue<string>()); // the drafting agent
        agents[1].ShouldNotBe(agents[0]);                                               // and a different verifier
        collaboration["coordinator_agent"]!.GetValue<string>().ShouldBe(agents[1]);
        collaboration["is_complete"]!.GetValue<bool>().ShouldBeTrue();
        collaboration["duration_ms"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        var verdict = collaboration["extra_metadata"]!["verdict"]!.GetValue<string>();
        collaboration["outcome"]!.GetValue<string>().ShouldStartWith(verdict);
        collaboration["consensus_reached"]!.GetValue<bool>().ShouldBe(verdict != "revised");
        collaboration["extra_metadata"]!["draft"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        Strings(collaboration["extra_metadata"]!["topics"]).ShouldContain("refund");

        // What was sent is the verified text: no promise, and it says a person confirms the refund.
        var sent = reply["content"]!.GetValue<string>();
        sent.ShouldBe(collaboration["extra_metadata"]!["final"]!.GetValue<string>());
        VerificationPolicy.Promises(sent).ShouldBeFalse();
        sent.ShouldContain("confirm");
        reply["extra_metadata"]!["verification"]!.GetValue<string>().ShouldBe(verdict);
        customer["intent"]!.GetValue<string>().ShouldBeOneOf("billing", "cancellation", "complaint");
        var tags = await ListAsync(chat.Tenant, $"/api/v1/conversation_tags?conversation_id={chat.ConversationId}");
        tags.Single(t => t!["tag"]!.GetValue<string>() == "refund")!["tag_category"]!.GetValue<string>().ShouldBe("topic");
    }

    [Fact]
    public async Task An_angry_request_for_a_human_escalates_notifies_the_owner_and_silences_the_ai()
    {
        var chat = await ChatAsync("Bruno Costa");
        await SayAsync(chat, "hello");
        var credits = (await ListAsync(chat.Tenant, "/api/v1/message_credits"))[0]!["remaining_credits"]!.GetValue<int>();
        var (customer, reply) = await SayAsync(chat, "This is useless!! Let me talk to a human right now.");

        reply["content"]!.GetValue<string>().ShouldContain("Bruno");
        reply["content"]!.GetValue<string>().ShouldContain("person on our team");
        reply["extra_metadata"]!["escalation"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldContain(EscalationPolicy.ExplicitRequest);
        customer["sentiment"]!.GetValue<double>().ShouldBeLessThan(0);
        var conversation = await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}");
        conversation["status"]!.GetValue<string>().ShouldBe("escalated");
        conversation["is_active"]!.GetValue<bool>().ShouldBeTrue();
        var toHuman = (await ListAsync(chat.Tenant, $"/api/v1/agent_handoffs?conversation_id={chat.ConversationId}&to_agent=human")).Single()!;
        toHuman["handoff_reason"]!.GetValue<string>().ShouldContain("asked for a person");
        var note = (await ListAsync(chat.Tenant, "/api/v1/notifications?category=conversation_escalated")).Single()!;
        note["user_id"]!.GetValue<string>().ShouldBe(chat.Tenant.UserId.ToString());
        note["data"]!["conversation_id"]!.GetValue<string>().ShouldBe(chat.ConversationId.ToString());
        note["message"]!.GetValue<string>().ShouldContain("talk to a human");
        (await ListAsync(chat.Tenant, $"/api/v1/conversation_tags?conversation_id={chat.ConversationId}&tag=escalated")).Count.ShouldBe(1);
        // The handoff message is fixed text: no model call for it (only the greeting's).
        (await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs")).Count.ShouldBe(1);

        // The next customer message waits for the person: no AI reply, no credit spent.
        var wamid = Wamid();
        await MetaWebhooks.PostAsync(App.Client(), "whatsapp", MetaWebhooks.WhatsAppText(chat.Channel.MetaId, chat.Phone, chat.Name, wamid, "hello??"));
        await Eventually.GetAsync(() => App.MessagesAsync(chat.Tenant, chat.ConversationId), m => m.Any(x => x!["platform_message_id"]?.GetValue<string>() == wamid), what: "the next message");
        await Eventually.GetAsync(async () => (await ListAsync(chat.Tenant, "/api/v1/outbox?topic=agent.reply&processed_at[is_null]=true")).Count, n => n == 0, what: "the reply job to finish");
        var messages = await App.MessagesAsync(chat.Tenant, chat.ConversationId);
        messages.Count.ShouldBe(5);
        messages[^1]!["role"]!.GetValue<string>().ShouldBe("user");
        (await ListAsync(chat.Tenant, "/api/v1/message_credits"))[0]!["remaining_credits"]!.GetValue<int>().ShouldBe(credits - 1);
    }

    [Fact]
    public async Task Strong_anger_escalates_without_an_explicit_request()
    {
        var chat = await ChatAsync("Igor Pinto");
        var (customer, reply) = await SayAsync(chat, "This is terrible! Your product broke again and I am furious, worst service ever!");
        customer["sentiment"]!.GetValue<double>().ShouldBeLessThanOrEqualTo(EscalationPolicy.StrongNegativeSentiment);
        customer["extra_metadata"]!["emotion"]!.GetValue<string>().ShouldBeOneOf("anger", "frustration");
        reply["extra_metadata"]!["escalation"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe([EscalationPolicy.NegativeEmotion]);
        var conversation = await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}");
        conversation["status"]!.GetValue<string>().ShouldBe("escalated");
        conversation["emotion"]!.GetValue<string>().ShouldBe(customer["extra_metadata"]!["emotion"]!.GetValue<string>());
        (await ListAsync(chat.Tenant, "/api/v1/notifications?category=conversation_escalated")).Single()!["message"]!.GetValue<string>().ShouldContain("strong negative emotion");
    }

    [Fact]
    public async Task A_question_the_agent_does_not_understand_well_enough_goes_to_a_human()
    {
        var chat = await ChatAsync("Carla Dias");
        (await chat.Tenant.Http.PatchJsonAsync($"/api/v1/agents/{chat.Channel.AgentId}", new { escalation_confidence = 0.99 })).Status.ShouldBe(HttpStatusCode.OK);
        var (customer, reply) = await SayAsync(chat, "Can you tell me about the price?");
        customer["confidence"]!.GetValue<double>().ShouldBeLessThan(0.99);
        reply["extra_metadata"]!["escalation"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe([EscalationPolicy.LowConfidence]);
        (await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}"))["status"]!.GetValue<string>().ShouldBe("escalated");
        (await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs")).Count.ShouldBe(0);
    }

    [Fact]
    public async Task Tags_are_written_once_per_conversation()
    {
        var chat = await ChatAsync("Paula Reis");
        await SayAsync(chat, "How much does the Pro plan cost?");
        await SayAsync(chat, "And what is the price per seat for the annual plan?");
        await SayAsync(chat, "This is urgent: our API integration is down and the webhook fails, we need help immediately!");
        var tags = await ListAsync(chat.Tenant, $"/api/v1/conversation_tags?conversation_id={chat.ConversationId}&limit=100");
        var names = tags.Select(t => t!["tag"]!.GetValue<string>()).ToList();
        names.ShouldBeUnique();
        names.ShouldContain("pricing");
        names.ShouldContain("whatsapp");
        names.ShouldContain("urgent");
        var pricing = tags.Single(t => t!["tag"]!.GetValue<string>() == "pricing")!;
        pricing["tag_category"]!.GetValue<string>().ShouldBe("intent");
        pricing["tagged_by"]!.GetValue<string>().ShouldBe(ConversationTagger.TaggedBy);
        pricing["confidence"]!.GetValue<decimal>().ShouldBeInRange(0.01m, 1m);
        tags.Single(t => t!["tag"]!.GetValue<string>() == "whatsapp")!["tag_category"]!.GetValue<string>().ShouldBe("channel");
    }

    [Fact]
    public async Task Closing_records_who_resolved_it_and_how_long_it_took_and_csat_is_set_with_patch()
    {
        // The operator closes a conversation the AI handled: the agent speaking last resolved it.
        var chat = await ChatAsync("Lia Rocha");
        await SayAsync(chat, "How much does the Pro plan cost?");
        var closed = await chat.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{chat.ConversationId}/close", new { });
        closed.Json!["status"]!.GetValue<string>().ShouldBe("resolved");
        closed.Json["resolved_by_agent"]!.GetValue<string>().ShouldBe("sales");
        closed.Json["resolution_time_seconds"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        (await chat.Tenant.Http.PatchJsonAsync($"/api/v1/conversations/{chat.ConversationId}", new { csat_score = 5 })).Json!["csat_score"]!.GetValue<int>().ShouldBe(5);
        (await chat.Tenant.Http.PatchJsonAsync($"/api/v1/conversations/{chat.ConversationId}", new { csat_score = 6 })).ShouldBeProblem(422, "csat_score");

        // An escalated conversation closed by the operator was resolved by a human.
        var angry = await ChatAsync("Tom Reis");
        await SayAsync(angry, "I need to speak to a manager");
        (await angry.Tenant.Http.PostJsonAsync($"/api/v1/conversations/{angry.ConversationId}/close", new { })).Json!["resolved_by_agent"]!.GetValue<string>().ShouldBe("human");

        // The customer confirms the answer solved it: the agent closes the conversation itself.
        var happy = await ChatAsync("Ana Melo");
        await KnowledgeAsync(happy.Tenant);
        var (_, answer) = await SayAsync(happy, "Our webhook returns error 500, how do I fix it?");
        answer["content"]!.GetValue<string>().ShouldContain("10 seconds");
        var (_, bye) = await SayAsync(happy, "That solved it, thank you!");
        bye["extra_metadata"]!["resolved"]!.GetValue<bool>().ShouldBeTrue();
        var done = await GetAsync(happy.Tenant, $"/api/v1/conversations/{happy.ConversationId}");
        done["status"]!.GetValue<string>().ShouldBe("resolved");
        done["is_active"]!.GetValue<bool>().ShouldBeFalse();
        done["resolved_by_agent"]!.GetValue<string>().ShouldBe("technical");
        done["resolution_time_seconds"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(0);
        done["ended_at"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Agent_configuration_is_validated_and_a_general_agent_never_hands_off()
    {
        var chat = await ChatAsync("Rui Neves");
        var agent = $"/api/v1/agents/{chat.Channel.AgentId}";
        var defaults = await GetAsync(chat.Tenant, agent);
        defaults["specialty"]!.GetValue<string>().ShouldBe("router");
        Strings(defaults["tools"]).ShouldBe(["knowledge_search", "handoff", "verify", "escalate"]);
        defaults["escalation_confidence"]!.GetValue<decimal>().ShouldBe(0.30m);
        (await chat.Tenant.Http.PatchJsonAsync(agent, new { specialty = "wizard" })).ShouldBeProblem(422, "specialty");
        (await chat.Tenant.Http.PatchJsonAsync(agent, new { tools = new[] { "knowledge_search", "launch_rockets" } })).ShouldBeProblem(422, "tools");
        (await chat.Tenant.Http.PatchJsonAsync(agent, new { temperature = 2.5 })).ShouldBeProblem(422, "temperature");
        (await chat.Tenant.Http.PatchJsonAsync(agent, new { provider = "skynet" })).ShouldBeProblem(422, "provider");
        var set = await chat.Tenant.Http.PatchJsonAsync(agent, new { specialty = "general", temperature = 0.2, provider = "builtin", prompt_id = "no-such-prompt" });
        set.Status.ShouldBe(HttpStatusCode.OK, set.Json?.ToJsonString());

        await SayAsync(chat, "How much does the Pro plan cost?");
        var (_, reply) = await SayAsync(chat, "Our webhook returns error 500, how do I fix it?");
        reply["extra_metadata"]!["specialist"]!.GetValue<string>().ShouldBe("general");
        (await ListAsync(chat.Tenant, $"/api/v1/agent_handoffs?conversation_id={chat.ConversationId}")).Count.ShouldBe(0);
        Strings((await GetAsync(chat.Tenant, $"/api/v1/conversations/{chat.ConversationId}"))["agents_involved"]).ShouldBe(["general"]);
        (await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs")).Select(u => u!["node_name"]!.GetValue<string>()).ShouldBe(["general", "general"]);
    }
}

/// <summary>The channel host with Ai__Provider=openai against a fake Chat Completions server (quick retries).</summary>
public sealed class AgentsOpenAiFixture : ChannelsFixture
{
    public FakeOpenAi OpenAi { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            foreach (var (k, v) in OpenAi.HostSettings(timeoutSeconds: 5, maxRetries: 1, retryBaseDelaySeconds: 0.01)) c[k] = v;
            c["Ai:Prices:house-model:Input"] = "2";
            c["Ai:Prices:house-model:Output"] = "8";
            return c;
        }
    }

    public override async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}

/// <summary>The same orchestration on a real-model provider: what the model is sent, the verifying call, and the fallback.</summary>
public sealed class AgentsOpenAiTests(AgentsOpenAiFixture fixture, ITestOutputHelper output) : AgentConversations(fixture, output), IClassFixture<AgentsOpenAiFixture>
{
    private FakeOpenAi OpenAi => fixture.OpenAi;

    private static bool IsVerification(FakeOpenAi.Request r) => r.Messages[0]!["content"]!.GetValue<string>().Contains("You verify a reply", StringComparison.Ordinal);

    [Fact]
    public async Task The_model_gets_the_agents_prompt_the_knowledge_the_history_and_the_agents_model_and_temperature()
    {
        var chat = await ChatAsync();
        var (pricing, _) = await KnowledgeAsync(chat.Tenant);
        (await chat.Tenant.Http.PatchJsonAsync($"/api/v1/agents/{chat.Channel.AgentId}", new { model = "house-model", temperature = 0.2 })).Status.ShouldBe(HttpStatusCode.OK);
        OpenAi.Responder = r => new FakeOpenAi.Reply { Content = $"It is ${PricingFact} per agent per month (see \"{PricingArticle}\").", PromptTokens = 300, CompletionTokens = 40 };

        var (_, first) = await SayAsync(chat, "Hi, how much does the Pro plan cost per month?");
        var (_, second) = await SayAsync(chat, "And is there a discount-free price for 200 seats?");

        var request = OpenAi.Requests.Last(r => r.Messages[^1]!["content"]!.GetValue<string>().Contains("200 seats", StringComparison.Ordinal) && !IsVerification(r));
        request.Model.ShouldBe("house-model");
        request.Body["temperature"]!.GetValue<double>().ShouldBe(0.2, 1e-6);
        var messages = request.Messages;
        var system = messages[0]!["content"]!.GetValue<string>();
        messages[0]!["role"]!.GetValue<string>().ShouldBe("system");
        system.ShouldContain("You are Sofia");
        system.ShouldContain("Specialty: sales");
        system.ShouldContain("Customer name: Maria Souza");
        system.ShouldContain("Channel: whatsapp");
        var knowledge = messages[1]!["content"]!.GetValue<string>();
        knowledge.ShouldStartWith("Knowledge base articles");
        knowledge.ShouldContain($"[kb:{pricing}] {PricingArticle}");
        // The history (the first question and its answer), then the customer's message.
        messages.Skip(2).Select(m => $"{m!["role"]}: {m["content"]}").ShouldBe([
            "user: Hi, how much does the Pro plan cost per month?",
            $"assistant: {first["content"]}",
            "user: And is there a discount-free price for 200 seats?",
        ]);

        second["model_used"]!.GetValue<string>().ShouldBe("house-model");
        Strings(first["extra_metadata"]!["kb_articles_used"]).ShouldBe([pricing.ToString()]); // the article the reply names
        var usage = await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs?workflow_name=agent.reply&node_name=sales");
        usage.Count.ShouldBeGreaterThanOrEqualTo(2);
        usage.ShouldAllBe(u => u!["model"]!.GetValue<string>() == "house-model" && u["cost"]!.GetValue<decimal>() > 0);
    }

    [Fact]
    public async Task Each_experiment_variant_answers_with_its_own_prompt_model_and_temperature_and_the_results_count_them()
    {
        var first = await ChatAsync("Ana Lima");
        var t = first.Tenant;
        var started = await t.Http.PostJsonAsync("/api/v1/experiments", new
        {
            test_name = "reply_style", agent_id = first.Channel.AgentId, variants = new object[]
            {
                new { name = "concise", weight = 1, prompt = "Variant rule: answer in one sentence.", model = "model-concise" },
                new { name = "detailed", weight = 1, prompt = "Variant rule: explain step by step.", model = "model-detailed", temperature = 0.7 },
            },
        });
        started.Status.ShouldBe(HttpStatusCode.Created, started.Json?.ToJsonString());
        OpenAi.Responder = r => new FakeOpenAi.Reply { Content = $"Answer from {r.Model}.", PromptTokens = 100, CompletionTokens = 10 };

        // New customers until both variants have answered (1:1 weights; each conversation's variant is its hash's).
        var byVariant = new Dictionary<string, List<Guid>>();
        for (var i = 0; i < 20 && byVariant.Count < 2; i++)
        {
            var chat = i == 0 ? first : new Chat(first.Channel, "55118" + Random.Shared.NextInt64(10_000_000, 99_999_999), $"Customer {i}");
            var before = OpenAi.Requests.Count;
            var (_, reply) = await SayAsync(chat, "Hi, how much does the Pro plan cost per month?");
            var variant = reply["extra_metadata"]!["experiment"]!["variant"]!.GetValue<string>();
            reply["extra_metadata"]!["experiment"]!["test_name"]!.GetValue<string>().ShouldBe("reply_style");
            (await ListAsync(t, $"/api/v1/ab_tests?conversation_id={chat.ConversationId}")).Single()!["variant"]!.GetValue<string>().ShouldBe(variant);

            var (model, rule, otherRule) = variant == "concise"
                ? ("model-concise", "Variant rule: answer in one sentence.", "Variant rule: explain step by step.")
                : ("model-detailed", "Variant rule: explain step by step.", "Variant rule: answer in one sentence.");
            var request = OpenAi.Requests.Skip(before).First(r => !IsVerification(r));
            request.Model.ShouldBe(model);
            var system = request.Messages[0]!["content"]!.GetValue<string>();
            system.ShouldContain("You are Sofia"); // the agent's own prompt stays, the variant's rule is added
            system.ShouldContain(rule);
            system.ShouldNotContain(otherRule);
            if (variant == "detailed") request.Body["temperature"]!.GetValue<double>().ShouldBe(0.7, 1e-6);
            else request.Body["temperature"].ShouldBeNull(); // the agent has none and the variant sets none
            reply["model_used"]!.GetValue<string>().ShouldBe(model);
            reply["content"]!.GetValue<string>().ShouldStartWith($"Answer from {model}");
            if (!byVariant.TryGetValue(variant, out var list)) byVariant[variant] = list = [];
            list.Add(chat.ConversationId);
        }
        byVariant.Keys.ShouldBe(["concise", "detailed"], ignoreOrder: true);

        // The results still count them: one conversation of each variant ends, resolved by the AI.
        foreach (var ids in byVariant.Values)
            (await t.Http.PatchJsonAsync($"/api/v1/conversations/{ids[0]}", new { status = "resolved", resolved_by_agent = "sales", csat_score = 4 })).Status.ShouldBe(HttpStatusCode.OK);
        var results = await Eventually.GetAsync(async () => (await t.Http.GetJsonAsync("/api/v1/experiments/reply_style/results")).Json!,
            r => r["variants"]!.AsArray().Sum(v => v!["ended"]!.GetValue<long>()) == 2, what: "two ended conversations in the results");
        foreach (var arm in results["variants"]!.AsArray())
        {
            var name = arm!["variant"]!.GetValue<string>();
            arm["assigned"]!.GetValue<long>().ShouldBe(byVariant[name].Count);
            arm["ended"]!.GetValue<long>().ShouldBe(1);
            arm["resolved_by_ai"]!.GetValue<long>().ShouldBe(1);
            arm["avg_csat"]!.GetValue<double>().ShouldBe(4.0);
        }
    }

    [Fact]
    public async Task The_verifier_is_a_second_model_call_and_the_rules_still_remove_a_promise_it_approved()
    {
        var chat = await ChatAsync("Rita Alves");
        OpenAi.Responder = r => IsVerification(r)
            ? new FakeOpenAi.Reply { Content = "APPROVE", PromptTokens = 200, CompletionTokens = 2 }
            : new FakeOpenAi.Reply { Content = "Sorry about that, Rita. We will refund you the full amount today. Anything else?", PromptTokens = 300, CompletionTokens = 30 };

        var (_, reply) = await SayAsync(chat, "I want a refund for my annual plan, please.");

        var sent = reply["content"]!.GetValue<string>();
        sent.ShouldBe("Sorry about that, Rita. Anything else? A billing specialist will review your refund request and confirm it with you.");
        reply["tokens_used"]!.GetValue<int>().ShouldBe(300 + 30 + 200 + 2);
        var collaboration = (await ListAsync(chat.Tenant, $"/api/v1/agent_collaborations?conversation_id={chat.ConversationId}")).Single()!;
        collaboration["extra_metadata"]!["verdict"]!.GetValue<string>().ShouldBe("revised");
        collaboration["extra_metadata"]!["verifier"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        Strings(collaboration["extra_metadata"]!["removed"]).ShouldBe(["We will refund you the full amount today."]);
        collaboration["consensus_reached"]!.GetValue<bool>().ShouldBeFalse();
        var verification = OpenAi.Requests.Last(IsVerification);
        verification.Messages[1]!["content"]!.GetValue<string>().ShouldContain("We will refund you the full amount today.");
        var usage = await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs?order=created_at");
        usage.Select(u => $"{u!["workflow_name"]}/{u["node_name"]}").ShouldBe(["agent.reply/billing", "agent.reply/verify"]);
    }

    [Fact]
    public async Task When_the_model_provider_fails_the_built_in_engine_answers_and_both_calls_are_logged()
    {
        var chat = await ChatAsync("Lia Rocha");
        OpenAi.Responder = null;
        OpenAi.FailNext(2, 500); // the first attempt and its one retry

        var (_, reply) = await SayAsync(chat, "How much does the Pro plan cost?");

        reply["model_used"]!.GetValue<string>().ShouldBe("clientele-builtin-1");
        reply["content"]!.GetValue<string>().ShouldContain("Lia");
        var usage = await ListAsync(chat.Tenant, "/api/v1/llm_usage_logs?order=created_at");
        usage.Select(u => $"{u!["model"]}:{u["total_tokens"]}").First().ShouldBe("gpt-4o-mini:0"); // the failed call
        usage.Count.ShouldBe(2);
        usage[1]!["model"]!.GetValue<string>().ShouldBe("clientele-builtin-1");
        usage[1]!["node_name"]!.GetValue<string>().ShouldBe("sales");
    }
}

/// <summary>The deterministic parts of the orchestration, without the host.</summary>
public sealed class OrchestrationPolicyTests
{
    [Theory]
    [InlineData("This is useless, let me talk to a human", true)]
    [InlineData("can I speak with a real person please", true)]
    [InlineData("get me a manager", true)]
    [InlineData("quero falar com um atendente", true)]
    [InlineData("necesito hablar con una persona", true)]
    [InlineData("I want a refund", false)]
    [InlineData("our team talks to customers every day", false)]
    public void Explicit_requests_for_a_person_are_recognized(string text, bool expected) =>
        CustomerSignals.AsksForHuman(text).ShouldBe(expected);

    [Theory]
    [InlineData("That solved it, thank you!", true)]
    [InlineData("problema resolvido, obrigado", true)]
    [InlineData("the problem is still not solved", false)]
    [InlineData("We use Okta, if that helps.", false)]
    public void Resolution_confirmations_are_recognized(string text, bool expected) =>
        CustomerSignals.ConfirmsResolution(text).ShouldBe(expected);

    [Fact]
    public void A_refund_promise_is_removed_and_replaced_by_who_confirms_it()
    {
        var v = VerificationPolicy.Review("Sorry about the double charge, Rita. We will refund you $49 today. Anything else I can help with?", [RiskPolicy.Refund]);
        v.Verdict.ShouldBe("revised");
        v.Removed.ShouldBe(["We will refund you $49 today."]);
        v.Text.ShouldBe("Sorry about the double charge, Rita. Anything else I can help with? A billing specialist will review your refund request and confirm it with you.");
        v.ConsensusReached.ShouldBeFalse();
        VerificationPolicy.Promises(v.Text).ShouldBeFalse();
    }

    [Fact]
    public void A_draft_without_promises_is_softened_or_approved()
    {
        var softened = VerificationPolicy.Review("Refunds are possible within 30 days of an annual payment.", [RiskPolicy.Refund]);
        softened.Verdict.ShouldBe("softened");
        softened.Text.ShouldEndWith("A billing specialist will review your refund request and confirm it with you.");
        var approved = VerificationPolicy.Review("Our billing team will review the charge and get back to you today.", [RiskPolicy.Refund]);
        approved.Verdict.ShouldBe("approved");
        approved.ConsensusReached.ShouldBeTrue();
    }

    [Fact]
    public void The_verifier_is_never_the_drafter()
    {
        RiskPolicy.Verifier([RiskPolicy.Refund], Specialists.Sales).ShouldBe(Specialists.Billing);
        RiskPolicy.Verifier([RiskPolicy.Refund], Specialists.Billing).ShouldBe(Specialists.Success);
        RiskPolicy.Verifier([RiskPolicy.Legal], Specialists.Sales).ShouldBe(Specialists.Success);
        RiskPolicy.Verifier([RiskPolicy.Legal], Specialists.Success).ShouldBe(Specialists.Billing);
        RiskPolicy.Topics("I want a refund", "billing", "").ShouldBe([RiskPolicy.Refund]);
        RiskPolicy.Topics("please cancel my subscription", "cancellation", "").ShouldBe([RiskPolicy.Cancellation]);
        RiskPolicy.Topics("How much is the Pro plan?", "pricing", "The Pro plan costs $49.").ShouldBeEmpty();
    }
}
