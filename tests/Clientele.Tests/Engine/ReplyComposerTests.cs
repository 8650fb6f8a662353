using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Engine;

/// <summary>The reply templates: personas from prompt_id, grounding only on real overlap, and the polite handoffs.</summary>
public sealed class ReplyComposerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private readonly BuiltInAnalyzer _analyzer = new();

    private static readonly KnowledgeHit Whatsapp = new(Guid.NewGuid(), "Connect a WhatsApp Business number",
        "Settings → Channels → Add number, then log in with your Meta Business account and pick the number.", 1);

    private ComposedReply Reply(string text, string? promptId = null, params KnowledgeHit[] knowledge) =>
        ReplyComposer.Compose(new ReplyContext(text, _analyzer.Analyze(text, Now), promptId, Knowledge: knowledge));

    [Theory]
    [InlineData("sales-default", "sales-default")]
    [InlineData("sales-qualifier-v3", "sales-default")]
    [InlineData("webchat-support-v2", "support")]
    [InlineData("BILLING", "billing")]
    [InlineData("csm-copilot", "success")]
    [InlineData("something-else", "generic")]
    [InlineData(null, "generic")]
    public void Prompt_ids_map_to_built_in_personas(string? promptId, string persona) =>
        AgentPersonas.For(promptId).Key.ShouldBe(persona);

    [Fact]
    public void A_how_to_question_is_answered_from_the_matching_article()
    {
        var r = Reply("How do I connect our WhatsApp number?", "support", Whatsapp);
        r.Grounded.ShouldBeTrue();
        r.Handoff.ShouldBeFalse();
        r.Text.ShouldContain("\"Connect a WhatsApp Business number\"");
        r.Text.ShouldContain("Settings → Channels → Add number");
        r.ArticlesUsed.ShouldHaveSingleItem().ShouldBe(Whatsapp);
    }

    [Fact]
    public void An_article_sharing_one_word_does_not_ground_an_answer()
    {
        var r = Reply("The number of messages in my report looks wrong", "support", Whatsapp);
        r.Grounded.ShouldBeFalse();
        r.ArticlesUsed.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("I want to cancel my subscription", "customer success team")]
    [InlineData("Worst customer service I've ever experienced", "team")]
    [InlineData("Production outage: no messages are being delivered to any customer", "technical team")]
    [InlineData("Why did my bill go up?", "billing team")]
    public void Cancellations_complaints_outages_and_unanswered_questions_go_to_a_person(string text, string team)
    {
        var r = Reply(text, "sales-default");
        r.Handoff.ShouldBeTrue(r.Text);
        r.HandoffTeam!.ShouldEndWith(team);
        r.Text.ShouldContain("colleague");
    }

    [Fact]
    public void Pricing_asks_for_the_seats_it_needs_and_greetings_introduce_the_agent()
    {
        Reply("How much does it cost?", "sales-default").Text.ShouldContain("How many people would use it?");
        Reply("How much for 50 users?", "sales-default").Text.ShouldContain("For 50 seats");
        var hello = ReplyComposer.Compose(new ReplyContext("hi", _analyzer.Analyze("hi", Now), "sales-default", "Maria Silva", "Ava – WhatsApp sales"));
        hello.Text.ShouldStartWith("Hi Maria, thanks for reaching out! I'm Ava.");
        hello.Handoff.ShouldBeFalse();
        Reply("Thanks a lot!").Text.ShouldStartWith("You're welcome");
    }

    [Fact]
    public void Asking_for_a_person_or_whether_it_is_a_bot_is_answered_honestly()
    {
        var person = Reply("can I talk to a real person please?", "sales-default");
        person.Handoff.ShouldBeTrue();
        person.Text.ShouldContain("colleague from our sales team");
        Reply("Quero falar com um atendente", "support").Handoff.ShouldBeTrue();
        var bot = ReplyComposer.Compose(new ReplyContext("Are you a bot?", _analyzer.Analyze("Are you a bot?", Now), "support", AgentName: "Nora – website assistant"));
        bot.Text.ShouldStartWith("I'm Nora, the team's virtual assistant.");
        bot.Handoff.ShouldBeFalse();
    }

    [Fact]
    public void Composing_is_a_pure_function()
    {
        var context = new ReplyContext("How do I connect our WhatsApp number?", _analyzer.Analyze("How do I connect our WhatsApp number?", Now), "support", "Ada", null, [Whatsapp]);
        var first = ReplyComposer.Compose(context);
        var second = ReplyComposer.Compose(context);
        second.Text.ShouldBe(first.Text);
        (second.Persona, second.Grounded, second.Handoff, second.HandoffTeam).ShouldBe((first.Persona, first.Grounded, first.Handoff, first.HandoffTeam));
        second.ArticlesUsed.ShouldBe(first.ArticlesUsed);
    }
}
