using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Success.Copilot;

/// <summary>What a CSM's question is about (topics, strongest first) and whether it asks for an action.</summary>
public sealed record QuestionReading(IReadOnlyList<string> Topics, string? Command)
{
    public string Primary => Command ?? Topics[0];
}

/// <summary>
/// Reads a CSM's question with cue words, deterministically: the built-in engine's way of knowing
/// whether "how is Acme doing with payments?" is about billing, or "give them a $200 credit" is a
/// command. An imperative verb with an action object is a command (apply_credit, send_email,
/// schedule_meeting, create_task); "what should I do" is next_steps; no cue at all is an overview.
/// </summary>
public static partial class QuestionReader
{
    public const string Health = "health", Risk = "risk", Billing = "billing", Usage = "usage", Renewal = "renewal", Stakeholders = "stakeholders",
        Expansion = "expansion", Conversations = "conversations", NextSteps = "next_steps", Overview = "overview",
        HealthWhy = "health_why", QbrPrep = "qbr_prep", Playbook = "playbook";

    /// <summary>The customer-success questions answered from the model itself (BriefSuccess): they win over the topics.</summary>
    public static readonly string[] SuccessTopics = [HealthWhy, QbrPrep, Playbook];

    private static readonly string[] DropWords = ["dropping", "dropped", "drop", "declin", "falling", "fell", "going down", "gone down", "decreas", "worse", "lower"];

    // Order breaks ties: the first listed wins.
    private static readonly (string Topic, string[] Cues)[] TopicCues =
    [
        (NextSteps, ["what should i do", "what do i do", "what should we do", "next step", "next steps", "recommend", "recommendation", "advice", "advise",
            "suggest", "action plan", "how do i save", "how can i save", "how can we save", "how do we save", "save this account", "what can i do", "what now",
            "priorit"]),
        (Health, ["health", "healthy", "score", "doing"]),
        (Risk, ["risk", "churn", "at risk", "danger", "worried", "worry", "warning", "signal", "red flag", "likely to leave", "cancel"]),
        (Billing, ["invoice", "billing", "bill", "pay", "paid", "payment", "overdue", "owe", "outstanding", " late", "subscription", "mrr", "plan",
            "credit", "revenue", "arrears", "money", "collect"]),
        (Usage, ["usage", "use ", "using", "used", "adoption", "adopt", "active user", "dau", "mau", "wau", "login", "log in", "feature", "engagement",
            "engaged with the product", "activity"]),
        (Renewal, ["renew", "renewal", "contract", "expire", "expiry", "expiring", " term", " arr ", " arr?", " arr."]),
        (Stakeholders, ["stakeholder", "contact", "champion", "who ", "whom", "people", "person", "decision maker", "sponsor", "executive", "exec ",
            "relationship", "talk to"]),
        (Expansion, ["expansion", "expand", "upsell", "up-sell", "cross-sell", "cross sell", "opportunit", "grow", "seats", "upgrade", "more licenses"]),
        (Conversations, ["conversation", "support", "ticket", "complain", "complaint", "sentiment", "escalat", "chat", "message", "talked", "said", "mood",
            "unhappy", "angry"]),
    ];

    private static readonly string[] OverviewCues = ["summary", "summarize", "summarise", "overview", "brief me", "tell me about", "status", "prepare",
        "update me", "how is", "how are", "what's going on", "whats going on", "catch me up", "everything"];

    // Verb → the action it usually starts; the object words decide when a verb is ambiguous ("add a task", "add a credit").
    private static readonly (string Verb, string Action)[] CommandVerbs =
    [
        ("apply", ProposedAction.ApplyCredit), ("give", ProposedAction.ApplyCredit), ("issue", ProposedAction.ApplyCredit),
        ("grant", ProposedAction.ApplyCredit), ("offer", ProposedAction.ApplyCredit), ("refund", ProposedAction.ApplyCredit),
        ("send", ProposedAction.SendEmail), ("write", ProposedAction.SendEmail), ("draft", ProposedAction.SendEmail), ("email", ProposedAction.SendEmail),
        ("e-mail", ProposedAction.SendEmail), ("mail", ProposedAction.SendEmail), ("reach out", ProposedAction.SendEmail),
        ("schedule", ProposedAction.ScheduleMeeting), ("book", ProposedAction.ScheduleMeeting), ("set up", ProposedAction.ScheduleMeeting),
        ("arrange", ProposedAction.ScheduleMeeting), ("organize", ProposedAction.ScheduleMeeting), ("organise", ProposedAction.ScheduleMeeting),
        ("invite", ProposedAction.ScheduleMeeting),
        ("create", ProposedAction.CreateTask), ("add", ProposedAction.CreateTask), ("make", ProposedAction.CreateTask), ("open", ProposedAction.CreateTask),
        ("log", ProposedAction.CreateTask), ("remind", ProposedAction.CreateTask), ("put", ProposedAction.CreateTask), ("assign", ProposedAction.CreateTask),
    ];

    private static readonly string[] Questions = ["what", "how", "is", "are", "was", "were", "when", "who", "why", "does", "do", "did", "has", "have",
        "which", "where", "whats", "what's", "hows", "how's"];

    private static readonly string[] CreditWords = ["credit", "refund", "discount", "goodwill"];
    private static readonly string[] MeetingWords = ["meeting", "call", "qbr", "check-in", "check in", "sync", "demo", "appointment", "catch-up", "catch up",
        "review session", "workshop"];
    private static readonly string[] TaskWords = ["task", "todo", "to-do", "reminder", "remind me", "follow-up task", "action item"];
    private static readonly string[] EmailWords = ["email", "e-mail", "mail", "note to", "message to", "write to", "reach out"];

    public static QuestionReading Read(string question)
    {
        var text = " " + Normalize(question) + " ";
        var command = CommandOf(text);
        var scored = TopicCues
            .Select((t, i) => (t.Topic, Index: i, Score: t.Cues.Count(c => text.Contains(c, StringComparison.Ordinal))))
            .Where(t => t.Score > 0)
            .OrderByDescending(t => t.Score).ThenBy(t => t.Index)
            .Select(t => t.Topic).ToList();
        if (command is null && SuccessTopic(text) is { } success) return new QuestionReading([success], null);
        var overview = OverviewCues.Any(c => text.Contains(c, StringComparison.Ordinal));
        // "How is Acme doing?" asks for everything ("doing" alone is a weak health cue); so does a question touching four topics or more.
        if (scored.Count == 0 || (overview && scored is [Health] && !text.Contains("health", StringComparison.Ordinal)) || (overview && scored.Count >= 4))
            scored = [Overview];
        return new QuestionReading(scored, command);
    }

    /// <summary>"Which playbook fits?", "prepare me for the QBR", "why is the health dropping?".</summary>
    private static string? SuccessTopic(string text)
    {
        if (text.Contains("playbook", StringComparison.Ordinal) || text.Contains("which play", StringComparison.Ordinal) || text.Contains("save play", StringComparison.Ordinal))
            return Playbook;
        if (WordAt(text, "qbr") >= 0 || text.Contains("business review", StringComparison.Ordinal)) return QbrPrep;
        var health = text.Contains("health", StringComparison.Ordinal) || text.Contains("score", StringComparison.Ordinal);
        if (health && (WordAt(text, "why") >= 0 || DropWords.Any(w => text.Contains(w, StringComparison.Ordinal)))) return HealthWhy;
        return null;
    }

    private static string? CommandOf(string text)
    {
        var first = text.Trim().Split(' ', 2)[0].Trim(',', '?', '!', '.');
        // "Did we send the invoice?" asks; "Should we give them a credit?" asks for one.
        if (Questions.Contains(first) && !text.Contains("should i ", StringComparison.Ordinal) && !text.Contains("should we ", StringComparison.Ordinal))
            return null;
        var verb = CommandVerbs
            .Select(v => (v.Action, At: WordAt(text, v.Verb)))
            .Where(v => v.At >= 0).OrderBy(v => v.At).Select(v => v.Action).FirstOrDefault();
        if (verb is null) return null;
        bool Any(string[] words) => words.Any(w => WordAt(text, w) >= 0);
        return verb switch
        {
            ProposedAction.ApplyCredit when Any(CreditWords) => ProposedAction.ApplyCredit,
            ProposedAction.ScheduleMeeting when Any(TaskWords) && !Any(MeetingWords) => ProposedAction.CreateTask,
            ProposedAction.ScheduleMeeting when Any(MeetingWords) || WordAt(text, "invite") >= 0 => ProposedAction.ScheduleMeeting,
            ProposedAction.SendEmail => ProposedAction.SendEmail,
            ProposedAction.CreateTask when Any(TaskWords) => ProposedAction.CreateTask,
            ProposedAction.CreateTask when Any(CreditWords) => ProposedAction.ApplyCredit,
            ProposedAction.CreateTask when Any(MeetingWords) => ProposedAction.ScheduleMeeting,
            ProposedAction.CreateTask when Any(EmailWords) => ProposedAction.SendEmail,
            _ when Any(TaskWords) => ProposedAction.CreateTask,
            _ when Any(EmailWords) => ProposedAction.SendEmail,
            _ when Any(MeetingWords) => ProposedAction.ScheduleMeeting,
            _ => null,
        };
    }

    /// <summary>Where a word or phrase starts as whole words, or -1.</summary>
    private static int WordAt(string text, string phrase)
    {
        for (var i = text.IndexOf(phrase, StringComparison.Ordinal); i >= 0; i = text.IndexOf(phrase, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 || !char.IsLetterOrDigit(text[i - 1]);
            var end = i + phrase.Length;
            // Plurals and simple endings still count ("credits", "emailed", "booking").
            var after = end >= text.Length || !char.IsLetterOrDigit(text[end]) || text[end] == 's'
                || text.AsSpan(end).StartsWith("ed") || text.AsSpan(end).StartsWith("ing");
            if (before && after) return i;
        }
        return -1;
    }

    /// <summary>Lower case, one space between words, curly quotes straightened; punctuation kept for amounts and dates.</summary>
    public static string Normalize(string text) =>
        Spaces().Replace(text.Replace('\u2019', '\'').Replace('\u2018', '\'').ToLower(CultureInfo.InvariantCulture), " ").Trim();

    /// <summary>An amount of money in the text ("$200", "200 dollars", "EUR 150.50", "€75"), with its currency when named.</summary>
    public static (decimal Amount, string? Currency)? Money(string text)
    {
        var m = MoneyBefore().Match(text);
        if (m.Success && Parse(m.Groups["n"].Value) is { } a) return (a, CurrencyOf(m.Groups["c"].Value));
        m = MoneyAfter().Match(text);
        if (m.Success && Parse(m.Groups["n"].Value) is { } b) return (b, CurrencyOf(m.Groups["c"].Value));
        return null;
    }

    /// <summary>"45 minutes", "1 hour", "90 min" → minutes.</summary>
    public static int? Minutes(string text)
    {
        var m = Duration().Match(text);
        if (!m.Success || !int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return m.Groups["u"].Value.StartsWith('h') ? n * 60 : n;
    }

    private static decimal? Parse(string n) =>
        decimal.TryParse(n.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;

    private static string? CurrencyOf(string c) => c.Trim().ToLowerInvariant() switch
    {
        "$" or "usd" or "dollars" or "dollar" => "USD",
        "€" or "eur" or "euro" or "euros" => "EUR",
        "£" or "gbp" or "pounds" or "pound" => "GBP",
        _ => null,
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"(?<c>\$|€|£|\busd|\beur|\bgbp)\s*(?<n>\d[\d,]*(?:\.\d{1,2})?)", RegexOptions.IgnoreCase)]
    private static partial Regex MoneyBefore();

    [GeneratedRegex(@"(?<n>\d[\d,]*(?:\.\d{1,2})?)\s*(?<c>usd|eur|gbp|dollars?|euros?|pounds?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MoneyAfter();

    [GeneratedRegex(@"\b(?<n>\d{1,3})\s*(?<u>minutes|minute|mins|min|hours|hour|hrs|hr|h)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Duration();
}
