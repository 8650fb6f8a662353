using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Microsoft.Extensions.AI;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Engine;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>The built-in engine as a chat model: grounded replies, handoffs, the analyze/extract JSON, usage and streaming.</summary>
public sealed class BuiltInChatClientTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly BuiltInChatClient _client = new(new BuiltInAnalyzer(), TimeProvider.System);

    private static readonly KnowledgeHit ChargedTwice = new(Guid.Parse("0195a1b2-0000-7000-8000-000000000001"), "Why was my card charged twice?",
        "Seeing two charges is confusing. A second charge is usually a pre-authorization; it is released within 3 business days. Contact billing if it stays longer.", 0.9);
    private static readonly KnowledgeHit Webhooks = new(Guid.Parse("0195a1b2-0000-7000-8000-000000000002"), "Webhook retries and timeouts",
        "Webhooks are retried 5 times with exponential backoff. Respond within 10 seconds with a 2xx status or the delivery counts as failed.", 0.4);

    private static ChatOptions Options(string task = "reply", string? promptId = "support", string? customer = null) => new()
    {
        AdditionalProperties = new AdditionalPropertiesDictionary
        {
            [BuiltInChatClient.TaskProperty] = task, [BuiltInChatClient.PromptIdProperty] = promptId, [BuiltInChatClient.NowProperty] = Now,
            [BuiltInChatClient.CustomerNameProperty] = customer,
        },
    };

    private static List<AiMessage> Conversation(params string[] userTurns)
    {
        var list = new List<AiMessage>
        {
            new(ChatRole.System, AgentPersonas.SystemPrompt("support", "Nora – website assistant")),
            new(ChatRole.System, KnowledgePrompt.Format([ChargedTwice, Webhooks])),
        };
        foreach (var t in userTurns) list.Add(new AiMessage(ChatRole.User, t));
        return list;
    }

    [Fact]
    public async Task A_reply_quotes_and_names_the_article_that_answers_the_question()
    {
        var r = await _client.GetResponseAsync(Conversation("Hi, why was my card charged twice this month?"), Options(customer: "Ada Lovelace"));
        r.Text.ShouldContain("\"Why was my card charged twice?\"");
        r.Text.ShouldContain("pre-authorization; it is released within 3 business days");
        r.Text.ShouldContain("Ada");
        r.Text.ShouldNotContain("Webhook");
        r.AdditionalProperties![BuiltInChatClient.GroundedResult].ShouldBe(true);
        r.AdditionalProperties[BuiltInChatClient.HandoffResult].ShouldBe(false);
        r.AdditionalProperties[BuiltInChatClient.ArticlesResult].ShouldBe(new[] { ChargedTwice.Id.ToString() });
        r.AdditionalProperties[BuiltInChatClient.IntentResult].ShouldBe("billing");
        r.ModelId.ShouldBe("clientele-builtin-1");
        r.FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task A_technical_question_nothing_answers_is_handed_to_a_colleague()
    {
        var r = await _client.GetResponseAsync(Conversation("Our SAML SSO login with Okta throws an invalid audience error"), Options());
        r.Text.ShouldContain("I'll bring in a colleague from our technical team");
        r.AdditionalProperties![BuiltInChatClient.HandoffResult].ShouldBe(true);
        r.AdditionalProperties[BuiltInChatClient.GroundedResult].ShouldBe(false);
        r.AdditionalProperties[BuiltInChatClient.ArticlesResult].ShouldBe(Array.Empty<string>());
    }

    [Fact]
    public async Task The_demo_reply_uses_what_the_buyer_said_across_the_conversation()
    {
        var messages = Conversation("Hi, I'm Maria from Acme, we need it for 200 agents", "we have budget and want a demo tomorrow at 3pm, urgently");
        var r = await _client.GetResponseAsync(messages, Options(promptId: "sales-qualifier-v3"));
        r.Text.ShouldContain("demo for Acme's 200 seats, Maria");
        r.Text.ShouldContain("Wednesday, March 11 at 15:00 (UTC)");
        r.AdditionalProperties![BuiltInChatClient.PersonaResult].ShouldBe("sales-default");
        r.AdditionalProperties[BuiltInChatClient.UrgencyResult].ShouldBe("high");
    }

    [Fact]
    public async Task Analyze_and_extract_answer_the_documented_json()
    {
        var messages = Conversation("Hi, I'm Maria from Acme", "we need it for 200 agents and want a demo tomorrow at 3pm");
        var analyzed = await _client.GetResponseAsync(messages, Options("analyze"));
        AnalysisJson.TryParse(analyzed.Text, out var last).ShouldBeTrue(analyzed.Text);
        last.Intent.ShouldBe("demo");
        last.Entities.Name.ShouldBeNull(); // the last message alone does not say who
        last.Entities.Seats.ShouldBe(200);

        var extracted = await _client.GetResponseAsync(messages, Options("extract"));
        extracted.Text.ShouldStartWith("{\"intent\":\"demo\",\"intent_confidence\":");
        AnalysisJson.TryParse(extracted.Text, out var whole).ShouldBeTrue();
        whole.Entities.ShouldSatisfyAllConditions(
            e => e.Name.ShouldBe("Maria"), e => e.Company.ShouldBe("Acme"), e => e.Seats.ShouldBe(200),
            e => e.DateTimes.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe(new DateTimeOffset(2026, 3, 11, 15, 0, 0, TimeSpan.Zero)));
        extracted.Text.ShouldContain("\"datetimes\":[\"2026-03-11T15:00:00Z\"]");
    }

    [Fact]
    public async Task Usage_is_estimated_at_four_characters_per_token_and_responses_are_deterministic()
    {
        var messages = Conversation("How do webhook retries work?");
        var a = await _client.GetResponseAsync(messages, Options());
        var b = await _client.GetResponseAsync(messages, Options());
        var chars = messages.Sum(m => m.Text.Length);
        a.Usage!.InputTokenCount.ShouldBe((chars + 3) / 4);
        a.Usage.OutputTokenCount.ShouldBe((a.Text.Length + 3) / 4);
        a.Usage.TotalTokenCount.ShouldBe(a.Usage.InputTokenCount + a.Usage.OutputTokenCount);
        b.Text.ShouldBe(a.Text);
        b.ResponseId.ShouldBe(a.ResponseId);
        a.Text.ShouldContain("\"Webhook retries and timeouts\"");
    }

    [Fact]
    public async Task Streaming_yields_the_whole_answer_and_the_client_describes_itself()
    {
        var messages = Conversation("hello!");
        var whole = await _client.GetResponseAsync(messages, Options());
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in _client.GetStreamingResponseAsync(messages, Options())) updates.Add(u);
        string.Concat(updates.Select(u => u.Text)).ShouldBe(whole.Text);
        updates.ShouldContain(u => u.ModelId == "clientele-builtin-1");

        var meta = _client.GetService<ChatClientMetadata>().ShouldNotBeNull();
        meta.DefaultModelId.ShouldBe("clientele-builtin-1");
        _client.GetService<BuiltInChatClient>().ShouldBeSameAs(_client);
        _client.GetService(typeof(string)).ShouldBeNull();
        await Should.ThrowAsync<ArgumentException>(() => _client.GetResponseAsync(messages, Options("summarize")));
    }

    [Fact]
    public void Knowledge_travels_through_a_system_message_and_back()
    {
        var text = KnowledgePrompt.Format([ChargedTwice, Webhooks]);
        text.ShouldStartWith(KnowledgePrompt.Header);
        var parsed = KnowledgePrompt.Parse(text);
        parsed.Select(h => (h.Id, h.Title, h.Content)).ShouldBe([(ChargedTwice.Id, ChargedTwice.Title, ChargedTwice.Content), (Webhooks.Id, Webhooks.Title, Webhooks.Content)]);
        KnowledgePrompt.Parse("You are a helpful assistant").ShouldBeEmpty();
    }
}
