using Clientele.Modules.Agents.Engine;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Engine;

/// <summary>The built-in analyzer on explicit examples: the buyer of issue 5, negation, typos, languages, and what must not be read as an entity.</summary>
public sealed class AnalyzerExamplesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero); // a Tuesday
    private readonly BuiltInAnalyzer _analyzer = new();

    [Fact]
    public void Maria_from_Acme_is_an_urgent_demo_request_with_everything_a_sales_rep_needs()
    {
        var a = _analyzer.Analyze("Hi, I'm Maria from Acme, we need it for 200 agents urgently, we have budget and want a demo tomorrow at 3pm", Now);
        a.Intent.ShouldBe("demo");
        a.IntentConfidence.ShouldBeGreaterThan(0.5);
        a.Urgency.ShouldBeOneOf("high", "critical");
        a.Entities.Name.ShouldBe("Maria");
        a.Entities.Company.ShouldBe("Acme");
        a.Entities.Seats.ShouldBe(200);
        a.Entities.Budget.ShouldBe("Yes");
        a.Entities.DateTimes.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe(new DateTimeOffset(2026, 3, 11, 15, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("I don't want to cancel, I just want to lower my bill", "billing")]
    [InlineData("not a complaint, just a suggestion: dark mode would be nice", "other")]
    [InlineData("I can't log in to my account", "support")]          // a problem, not a refusal
    [InlineData("prcing for enterprise?", "pricing")]                // typo
    [InlineData("cancell my acount pls", "cancellation")]
    [InlineData("Quero cancelar minha assinatura", "cancellation")]
    [InlineData("Cuál es el precio por agente al mes?", "pricing")]
    [InlineData("Fui cobrado duas vezes no cartão", "billing")]
    [InlineData("hiii", "greeting")]
    [InlineData("ok", "other")]
    public void Reads_the_intent_through_negation_typos_and_languages(string text, string intent) =>
        _analyzer.Analyze(text, Now).Intent.ShouldBe(intent);

    [Fact]
    public void Sentiment_follows_negation_intensity_and_contrast()
    {
        var happy = _analyzer.Analyze("I'm happy with the product", Now).Sentiment;
        var notHappy = _analyzer.Analyze("I'm not happy with the product", Now).Sentiment;
        var veryHappy = _analyzer.Analyze("I'm really happy with the product!", Now).Sentiment;
        happy.ShouldBeGreaterThan(0);
        notHappy.ShouldBeLessThan(0);
        veryHappy.ShouldBeGreaterThan(happy);
        _analyzer.Analyze("Great product but the app keeps crashing", Now).Sentiment.ShouldBeLessThan(0);
        _analyzer.Analyze("Good morning", Now).Sentiment.ShouldBe(0);
    }

    [Theory]
    [InlineData("Production outage: no messages are being delivered to any customer", "critical", "urgency")]
    [InlineData("I'm furious, your team ignored my ticket for a week", "medium", "anger")]
    [InlineData("Thank you so much, that solved it!", "low", "gratitude")]
    [InlineData("The dashboard is confusing, where do I see my tickets?", "low", "confusion")]
    [InlineData("send me pricing pls, need it today for our finance meeting", "high", "urgency")]
    [InlineData("no rush, whenever you have a minute: how do I export contacts?", "low", "neutral")]
    public void Urgency_and_emotion(string text, string urgency, string emotion)
    {
        var a = _analyzer.Analyze(text, Now);
        a.Urgency.ShouldBe(urgency);
        a.Emotion.ShouldBe(emotion);
    }

    [Theory]
    [InlineData("Can we schedule a demo next Tuesday 10:00?", "2026-03-17T10:00")]
    [InlineData("What about 2026-12-01 14:30?", "2026-12-01T14:30")]
    [InlineData("Friday morning works for me", "2026-03-13T09:00")]
    [InlineData("Could we do March 20 at 2pm?", "2026-03-20T14:00")]
    [InlineData("Could we do March 1 at 2pm?", "2027-03-01T14:00")]           // already past this year
    [InlineData("amanhã às 14h", "2026-03-11T14:00")]
    [InlineData("¿el jueves a las 11?", "2026-03-12T11:00")]
    [InlineData("call me at 4pm", "2026-03-10T16:00")]                        // still ahead today
    [InlineData("call me at 9am", "2026-03-11T09:00")]                        // already past: tomorrow
    public void Resolves_dates_and_times_against_the_message_time(string text, string expected)
    {
        var times = _analyzer.Analyze(text, Now).Entities.DateTimes.ShouldNotBeNull();
        times.ShouldHaveSingleItem().UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Theory]
    [InlineData("Webhooks stopped arriving since this morning")]
    [InlineData("I need it today")]
    [InlineData("The API rate limits us at 10 requests per second")]
    [InlineData("Good morning, I cancelled last Friday")]
    [InlineData("Preciso da segunda via do boleto")]
    public void Does_not_invent_appointments(string text) =>
        _analyzer.Analyze(text, Now).Entities.DateTimes.ShouldBeNull();

    [Theory]
    [InlineData("Budget is around $500/month.", "Yes", 500d, "USD")]
    [InlineData("We can spend up to €2,000 a month", "Yes", 2000d, "EUR")]
    [InlineData("Temos orçamento de R$ 15.000 por mês", "Yes", 15000d, "BRL")]
    [InlineData("budget is $20k a year", "Yes", 20000d, "USD")]
    [InlineData("we're a small startup, no budget yet", "No", null, null)]
    [InlineData("Budget is not approved yet, need to check with finance", "Maybe", null, null)]
    public void Budget_status_amount_and_currency(string text, string status, double? amount, string? currency)
    {
        var e = _analyzer.Analyze(text, Now).Entities;
        e.Budget.ShouldBe(status);
        e.BudgetAmount.ShouldBe(amount is null ? null : (decimal)amount.Value);
        e.BudgetCurrency.ShouldBe(currency);
    }

    [Fact]
    public void Contacts_companies_and_seats()
    {
        var a = _analyzer.Analyze("This is John from Globex, call me on +55 11 98765-4321 or write to John.Smith@Globex.com. We're a team of 35.", Now).Entities;
        a.Name.ShouldBe("John");
        a.Company.ShouldBe("Globex");
        a.Phone.ShouldBe("+5511987654321");
        a.Email.ShouldBe("john.smith@globex.com");
        a.Seats.ShouldBe(35);
        _analyzer.Analyze("my name is ana souza", Now).Entities.Name.ShouldBe("Ana Souza");
        _analyzer.Analyze("Initech's support team needs 40 licenses", Now).Entities.ShouldSatisfyAllConditions(
            e => e.Company.ShouldBe("Initech"), e => e.Seats.ShouldBe(40));
    }

    [Theory]
    [InlineData("We're switching from Zendesk next month")]
    [InlineData("Can you beat Zendesk's price? They quoted us $40 per agent")]
    [InlineData("Can we set up SSO with Okta?")]
    [InlineData("This is URGENT, the API is down")]
    public void Vendors_prices_and_shouting_are_not_people_companies_or_seats(string text)
    {
        var e = _analyzer.Analyze(text, Now).Entities;
        e.Name.ShouldBeNull();
        e.Company.ShouldBeNull();
        e.Seats.ShouldBeNull();
        e.Budget.ShouldBeNull();
    }

    [Fact]
    public void Empty_and_very_long_messages_are_handled()
    {
        _analyzer.Analyze("", Now).Intent.ShouldBe("other");
        _analyzer.Analyze(null!, Now).Urgency.ShouldBe("low");
        var longText = string.Concat(Enumerable.Repeat("our invoice is wrong and we were charged twice. ", 2000));
        _analyzer.Analyze(longText, Now).Intent.ShouldBe("billing");
    }
}
