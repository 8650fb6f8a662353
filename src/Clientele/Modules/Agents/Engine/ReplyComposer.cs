using System.Globalization;
using System.Text;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>What the reply is built from: the customer's message and its analysis, the agent and the candidate articles.</summary>
public sealed record ReplyContext(
    string CustomerText,
    MessageAnalysis Analysis,
    string? PromptId = null,
    string? CustomerName = null,
    string? AgentName = null,
    IReadOnlyList<KnowledgeHit>? Knowledge = null);

/// <summary>
/// The reply and how it was made: the persona, whether an article grounds it (and which), and
/// whether it hands the conversation to a person.
/// </summary>
public sealed record ComposedReply(string Text, string Persona, bool Grounded, bool Handoff, string? HandoffTeam, IReadOnlyList<KnowledgeHit> ArticlesUsed);

/// <summary>
/// The built-in engine's answer to a customer message: a template per intent, in the agent's
/// persona, addressed by first name, quoting the knowledge base article that answers it (named)
/// and asking for what sales needs (seats, a time for the demo). When nothing grounds a support,
/// technical or billing question, when the intent is unclear, or for cancellations, complaints and
/// outages, it says a colleague will take over (Handoff). A pure function: same context, same reply.
/// </summary>
public static class ReplyComposer
{
    /// <summary>Below this the engine does not trust its reading of the message.</summary>
    public const double LowConfidence = 0.35;

    public static ComposedReply Compose(ReplyContext c)
    {
        var persona = AgentPersonas.For(c.PromptId);
        var a = c.Analysis;
        var name = FirstName(c.CustomerName ?? a.Entities.Name);
        var grounded = a.Intent is IntentCues.Greeting ? null : Grounding.Best(c.CustomerText, c.Knowledge);
        IReadOnlyList<KnowledgeHit> used = grounded is null ? [] : [grounded.Article];
        var text = new StringBuilder();
        string? handoffTeam = null;

        void Quote() => text.Append(CultureInfo.InvariantCulture, $"Our article \"{grounded!.Article.Title}\" covers this: \"{grounded.Passage}\" ");
        void HandOff(string team, string why) { handoffTeam = team; text.Append(why); }

        if (HumanRequest.IsAsked(c.CustomerText))
        {
            var team = a.Intent is IntentCues.Billing ? AgentPersonas.Billing.Team : a.Intent is IntentCues.Technical ? AgentPersonas.Technical.Team : persona.Team;
            return new ComposedReply($"Of course{Comma(name)}. I'll bring in a colleague from our {team}; they will reply here shortly.", persona.Key, false, true, team, []);
        }
        if (HumanRequest.AsksIfBot(c.CustomerText))
        {
            var me = string.IsNullOrWhiteSpace(c.AgentName) ? "the team's virtual assistant" : $"{AgentPersonas.AgentFirstName(c.AgentName)}, the team's virtual assistant";
            return new ComposedReply($"I'm {me}. I can answer most questions right away, and bring in a colleague whenever you prefer to talk to a person.", persona.Key, false, false, null, []);
        }

        switch (a.Intent)
        {
            case IntentCues.Greeting when a.Emotion is EmotionDetector.Gratitude or EmotionDetector.Joy:
                text.Append(CultureInfo.InvariantCulture, $"You're welcome{Comma(name)}! If anything else comes up, just write here.");
                break;
            case IntentCues.Greeting:
                text.Append(CultureInfo.InvariantCulture, $"Hi{Space(name)}, thanks for reaching out! {Introduction(c.AgentName)}How can I help you today? ");
                text.Append(persona == AgentPersonas.SalesDefault ? "I can answer questions about the product and pricing, or set up a demo for you." : "Tell me what you need and I'll take it from there.");
                break;
            case IntentCues.Cancellation:
                text.Append(CultureInfo.InvariantCulture, $"I'm sorry to hear you want to cancel{Comma(name)}. Could you tell me what isn't working for you? ");
                if (grounded is not null) Quote();
                HandOff(AgentPersonas.Success.Team, $"I'll bring in a colleague from our {AgentPersonas.Success.Team} who can take care of your account.");
                break;
            case IntentCues.Complaint:
                text.Append(CultureInfo.InvariantCulture, $"I'm really sorry about this{Comma(name)}; that is not the experience we want you to have. ");
                HandOff(persona.Team, "I'm bringing in a colleague right away so this gets the attention it deserves.");
                break;
            case IntentCues.Demo:
                Demo(text, name, a);
                break;
            case IntentCues.Pricing:
                text.Append(CultureInfo.InvariantCulture, $"Thanks for asking{Comma(name)}. ");
                if (grounded is not null) Quote();
                else text.Append("Our price depends on the plan and the number of seats. ");
                text.Append(a.Entities.Seats is { } seats
                    ? $"For {seats} seats I'll have an exact quote prepared for you{(persona == AgentPersonas.SalesDefault ? " — would a short demo help as well?" : ".")}"
                    : "How many people would use it? With that I can get you an exact quote.");
                break;
            default: // support, technical, billing, other
                var team = a.Intent switch
                {
                    IntentCues.Technical => AgentPersonas.Technical.Team,
                    IntentCues.Billing => AgentPersonas.Billing.Team,
                    IntentCues.Support => AgentPersonas.Support.Team,
                    _ => persona.Team,
                };
                var asksForMore = grounded is null && a.Intent == IntentCues.Other && a.IntentConfidence >= LowConfidence && a.Urgency != UrgencyDetector.Critical;
                if (!asksForMore) text.Append(Empathy(a, name));
                if (grounded is not null) Quote();
                if (a.Urgency == UrgencyDetector.Critical)
                    HandOff(team, $"I'm flagging this to our {team} right now; a colleague will get back to you here as soon as possible.");
                else if (grounded is not null)
                    text.Append("Does that solve it? If not, I'll bring in a colleague.");
                else if (asksForMore)
                    text.Append(CultureInfo.InvariantCulture, $"Thanks for your message{Comma(name)}! Could you tell me a bit more about what you're looking for? I can help with pricing, demos, billing and product questions.");
                else
                    HandOff(team, $"I don't want to give you a wrong answer, so I'll bring in a colleague from our {team} who will get back to you here shortly.");
                break;
        }

        // Whatever the intent, an unclear reading is not answered with confidence.
        if (handoffTeam is null && grounded is null && a.IntentConfidence < LowConfidence && a.Intent is not (IntentCues.Greeting or IntentCues.Other))
        {
            handoffTeam = persona.Team;
            text.Append(CultureInfo.InvariantCulture, $" To make sure you get the right answer, I'll also bring in a colleague from our {persona.Team}.");
        }
        return new ComposedReply(text.ToString().Trim(), persona.Key, grounded is not null, handoffTeam is not null, handoffTeam, used);
    }

    private static void Demo(StringBuilder text, string? name, MessageAnalysis a)
    {
        var e = a.Entities;
        var forWhom = (e.Company, e.Seats) switch
        {
            ({ } company, { } seats) => $" for {company}'s {seats} {(seats == 1 ? "seat" : "seats")}",
            ({ } company, null) => $" for {company}",
            (null, { } seats) => $" for your team of {seats}",
            _ => "",
        };
        text.Append(CultureInfo.InvariantCulture, $"I'd be happy to set up a demo{forWhom}{Comma(name)}! ");
        if (e.DateTimes is { Count: > 0 } times)
            text.Append(CultureInfo.InvariantCulture, $"You suggested {When(times[0])} — I'll check our calendar and confirm that slot or offer the closest free one.");
        else
            text.Append("Which day and time work best for you?");
        if (a.Urgency is UrgencyDetector.High or UrgencyDetector.Critical) text.Append(" Since it's urgent, I'll prioritise the earliest slot.");
    }

    private static string Empathy(MessageAnalysis a, string? name) => (a.Urgency, a.Emotion) switch
    {
        (UrgencyDetector.Critical or UrgencyDetector.High, _) => $"I understand this is urgent{Comma(name)}. ",
        (_, EmotionDetector.Anger or EmotionDetector.Frustration or EmotionDetector.Sadness) => $"I'm sorry for the trouble{Comma(name)}. ",
        (_, EmotionDetector.Confusion) => $"Happy to clarify{Comma(name)}. ",
        _ => name is null ? "" : $"Thanks, {name}. ",
    };

    private static string Introduction(string? agentName) =>
        string.IsNullOrWhiteSpace(agentName) ? "" : $"I'm {AgentPersonas.AgentFirstName(agentName)}. ";

    /// <summary>"Wednesday, March 11 at 15:00 (UTC)"; a date alone (09:00) reads as the day.</summary>
    internal static string When(DateTimeOffset t)
    {
        var u = t.UtcDateTime;
        var day = u.ToString("dddd, MMMM d", CultureInfo.InvariantCulture);
        return u.TimeOfDay == TimeSpan.FromHours(9) ? $"{day} in the morning" : $"{day} at {u.ToString("HH':'mm", CultureInfo.InvariantCulture)} (UTC)";
    }

    private static string? FirstName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var first = name.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return first.Length > 40 ? null : first;
    }

    private static string Comma(string? name) => name is null ? "" : ", " + name;
    private static string Space(string? name) => name is null ? "" : " " + name;
}
