using System.Globalization;
using Clientele.Modules.Agents.Ai;
using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// The built-in engine's copilot: answers a CSM's question from the customer brief alone,
/// deterministically. An information question gets the paragraphs of its topics (up to three);
/// "what should I do" gets next steps (NextSteps) with proposals; a command ("apply a $200 credit",
/// "email Dana about the renewal", "schedule a QBR with Dana next Tuesday at 10am", "create a task
/// to …") gets one proposal (CommandProposals). Proposals are only proposals: they become pending
/// approvals and run when a member approves them.
/// </summary>
public sealed class CopilotComposer(IMessageAnalyzer analyzer)
{
    public CopilotReply Compose(CustomerBrief b, string question)
    {
        var reading = QuestionReader.Read(question);
        if (reading.Command is { } command) return CommandProposals.For(command, b, question, Dates(question, b));
        if (reading.Topics[0] == QuestionReader.NextSteps) return NextSteps.For(b);
        var topics = reading.Topics.Where(t => t != QuestionReader.NextSteps).Take(3).ToList();
        if (topics.Count == 0) topics.Add(QuestionReader.Overview);
        return new CopilotReply(topics[0], string.Join("\n\n", topics.Select(t => BriefSections.For(t, b))), []);
    }

    /// <summary>
    /// Future dates and times in the question ("next Tuesday at 10am"), read by the engine's analyzer
    /// as wall-clock times, which the CSM means in the calendar's time zone (the brief's).
    /// </summary>
    private IReadOnlyList<DateTimeOffset> Dates(string question, CustomerBrief b)
    {
        var zone = b.TimeZone is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var z) ? z : null;
        var wallNow = zone is null ? b.AsOf : new DateTimeOffset(TimeZoneInfo.ConvertTime(b.AsOf, zone).DateTime, TimeSpan.Zero);
        return (analyzer.Analyze(question, wallNow).Entities.DateTimes ?? [])
            .Select(d => zone is null ? d : InZone(d.DateTime, zone))
            .Where(d => d > b.AsOf).ToList();
    }

    private static DateTimeOffset InZone(DateTime wall, TimeZoneInfo zone)
    {
        wall = DateTime.SpecifyKind(wall, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall)) wall = wall.AddMinutes(30); // a spring-forward gap
        var utc = TimeZoneInfo.ConvertTimeToUtc(wall, zone);
        return new DateTimeOffset(utc).ToOffset(zone.GetUtcOffset(utc));
    }

    /// <summary>The stakeholder the question names (first name, last name or address), else the primary one, else the customer's address.</summary>
    internal static (string Email, string? Name)? Recipient(CustomerBrief b, string question)
    {
        var text = " " + QuestionReader.Normalize(question) + " ";
        var people = b.CurrentStakeholders.Where(c => c.Email is { Length: > 0 }).ToList();
        var named = people.FirstOrDefault(c => text.Contains(c.Email!.ToLowerInvariant(), StringComparison.Ordinal))
            ?? people.FirstOrDefault(c => (c.Name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Any(part => part.Length >= 3 && ContainsWord(text, part.ToLower(CultureInfo.InvariantCulture))))
            ?? people.FirstOrDefault(c => c.Role is { Length: > 0 } role && ContainsWord(text, role))
            ?? (ContainsWord(text, "champion") ? people.FirstOrDefault(c => c.IsChampion) : null)
            ?? people.FirstOrDefault(c => c.IsPrimary) ?? people.FirstOrDefault();
        if (named is not null) return (named.Email!, named.Name);
        return b.Customer.Email is { Length: > 0 } email && !email.EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) ? (email, null) : null;
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal))
        {
            var end = i + word.Length;
            if ((i == 0 || !char.IsLetter(text[i - 1])) && (end >= text.Length || !char.IsLetter(text[end]) || text[end] == '\'')) return true;
        }
        return false;
    }

    /// <summary>One line of context for a proposal's description: health, overdue money, renewal.</summary>
    internal static string Context(CustomerBrief b)
    {
        var parts = new List<string>();
        if (b.Health.Score is { } s) parts.Add($"health {Score(s)}" + (b.Health.Change30Days is { } d and not 0 ? $" ({Change(d)} in 30 days)" : ""));
        if (b.Customer.ChurnRisk is { } churn) parts.Add($"churn risk {churn.ToString("0.00", CultureInfo.InvariantCulture)}");
        if (b.Billing.OverdueInvoices > 0) parts.Add($"{Plural(b.Billing.OverdueInvoices, "overdue invoice")} ({Money(b.Billing.OverdueAmount, b.Billing.Currency)})");
        if (b.Renewal is { DaysUntil: >= 0 } r) parts.Add($"renewal {Relative(r.DaysUntil)}");
        return parts.Count == 0 ? "" : $"{b.Customer.Name}: " + string.Join(", ", parts) + ".";
    }
}
