using System.Globalization;
using System.Text.RegularExpressions;
using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>The built-in copilot's answer to a command: one proposal built from the question and the brief.</summary>
public static partial class CommandProposals
{
    public const string WaitsForApproval = "It waits for approval: nothing happens until a member approves it.";

    public static CopilotReply For(string command, CustomerBrief b, string question, IReadOnlyList<DateTimeOffset> dates) => command switch
    {
        ProposedAction.ApplyCredit => Credit(b, question),
        ProposedAction.SendEmail => Email(b, question),
        ProposedAction.ScheduleMeeting => Meeting(b, question, dates),
        _ => Task(b, question, dates),
    };

    private static CopilotReply Credit(CustomerBrief b, string question)
    {
        var money = QuestionReader.Money(question);
        var currency = money?.Currency ?? b.Billing.Currency;
        // Without an amount: a tenth of the monthly bill, at least 50.
        var amount = money?.Amount ?? Math.Max(50m, Math.Round((b.Billing.Subscription?.Mrr ?? b.Customer.Mrr ?? 1000m) / 10m, 0));
        var lower = QuestionReader.Normalize(question);
        var type = lower.Contains("refund", StringComparison.Ordinal) ? "refund" : lower.Contains("promo", StringComparison.Ordinal) ? "promotional"
            : lower.Contains("migrat", StringComparison.Ordinal) ? "migration" : "goodwill";
        var reason = After(question, " for ", " because ", " due to ") ?? $"Goodwill gesture for {b.Customer.Name}, proposed by the copilot";
        var action = new ProposedAction(ProposedAction.ApplyCredit, Amount: amount, Currency: currency, CreditType: type, Reason: reason);
        var context = CopilotComposer.Context(b);
        return new CopilotReply(ProposedAction.ApplyCredit,
            $"I proposed a {Money(amount, currency)} {type} credit for {b.Customer.Name} (reason: {reason}). {WaitsForApproval}"
            + (context.Length > 0 ? $" Context: {context}" : ""), [action]);
    }

    private static CopilotReply Email(CustomerBrief b, string question)
    {
        if (CopilotComposer.Recipient(b, question) is not { } to)
            return new CopilotReply(ProposedAction.SendEmail, $"I cannot propose an email: nobody at {b.Customer.Name} has an email address on record.", []);
        var topic = Topic(b, question);
        var (subject, paragraph) = EmailDrafts.For(topic, b);
        var greeting = to.Name is { Length: > 0 } n ? $"Hi {n.Split(' ')[0]}," : "Hello,";
        var body = $"{greeting}\n\n{paragraph}\n\nBest regards,\n{b.Signature}";
        var action = new ProposedAction(ProposedAction.SendEmail, To: to.Email, ToName: to.Name, Subject: subject, Body: body);
        return new CopilotReply(ProposedAction.SendEmail,
            $"I drafted an email to {to.Name ?? to.Email} ({to.Email}), subject \"{subject}\". {WaitsForApproval}\n\n{body}", [action]);
    }

    private static CopilotReply Meeting(CustomerBrief b, string question, IReadOnlyList<DateTimeOffset> dates)
    {
        if (CopilotComposer.Recipient(b, question) is not { } who)
            return new CopilotReply(ProposedAction.ScheduleMeeting, $"I cannot propose a meeting: nobody at {b.Customer.Name} has an email address on record.", []);
        var lower = QuestionReader.Normalize(question);
        var title = lower.Contains("qbr", StringComparison.Ordinal) || lower.Contains("business review", StringComparison.Ordinal) ? $"QBR: {b.Customer.Name}"
            : lower.Contains("renew", StringComparison.Ordinal) ? $"Renewal review: {b.Customer.Name}"
            : lower.Contains("expan", StringComparison.Ordinal) || lower.Contains("upsell", StringComparison.Ordinal) ? $"Expansion review: {b.Customer.Name}"
            : lower.Contains("train", StringComparison.Ordinal) || lower.Contains("onboard", StringComparison.Ordinal) ? $"Training: {b.Customer.Name}"
            : lower.Contains("health", StringComparison.Ordinal) || lower.Contains("risk", StringComparison.Ordinal) ? $"Health check: {b.Customer.Name}"
            : $"Check-in: {b.Customer.Name}";
        var minutes = Math.Clamp(QuestionReader.Minutes(question) ?? 30, 5, 480);
        DateTimeOffset? start = dates.Count > 0 ? dates[0] : null;
        var action = new ProposedAction(ProposedAction.ScheduleMeeting, AttendeeEmail: who.Email, AttendeeName: who.Name, Start: start,
            DurationMinutes: minutes, Title: title, Description: CopilotComposer.Context(b));
        var when = start is { } s ? "on " + When(s, b.TimeZone) : "at the next free slot on the calendar";
        return new CopilotReply(ProposedAction.ScheduleMeeting,
            $"I proposed a {minutes}-minute meeting \"{title}\" with {who.Name ?? who.Email} ({who.Email}) {when}. {WaitsForApproval} "
            + "Calendar proposals expire: approve it before the slot goes stale.", [action]);
    }

    private static CopilotReply Task(CustomerBrief b, string question, IReadOnlyList<DateTimeOffset> dates)
    {
        var title = After(question, "task to ", "remind me to ", "reminder to ", "to-do to ", "todo to ", " to ") is { } t
            ? char.ToUpper(t[0], CultureInfo.InvariantCulture) + t[1..]
            : RiskDrivers.Of(b).FirstOrDefault() is { } driver ? $"Address {driver.Text}" : $"Follow up with {b.Customer.Name}";
        var due = dates.Count > 0 ? DateOnly.FromDateTime(dates[0].UtcDateTime) : DateOnly.FromDateTime(b.AsOf.UtcDateTime).AddDays(3);
        var action = new ProposedAction(ProposedAction.CreateTask, Title: Cut(title, 200), Description: CopilotComposer.Context(b), DueDate: due);
        return new CopilotReply(ProposedAction.CreateTask, $"I proposed a task \"{action.Title}\" due {Date(due)} for {b.Customer.Name}. {WaitsForApproval}", [action]);
    }

    /// <summary>What an email is about: the question's own topic, else the account's most pressing risk.</summary>
    private static string Topic(CustomerBrief b, string question)
    {
        var topics = QuestionReader.Read(question).Topics;
        var named = topics.FirstOrDefault(t => t is not (QuestionReader.Overview or QuestionReader.NextSteps or QuestionReader.Conversations));
        if (named is not null) return named;
        return RiskDrivers.Of(b).FirstOrDefault()?.Kind switch
        {
            RiskDrivers.Overdue or RiskDrivers.FailedPayments or RiskDrivers.Subscription => QuestionReader.Billing,
            RiskDrivers.ChampionLeft => QuestionReader.Stakeholders,
            RiskDrivers.Renewal => QuestionReader.Renewal,
            RiskDrivers.UsageDrop => QuestionReader.Usage,
            null => QuestionReader.Overview,
            _ => QuestionReader.Health,
        };
    }

    /// <summary>The rest of the question after the first marker found, without trailing punctuation (null when none or empty).</summary>
    private static string? After(string question, params string[] markers)
    {
        foreach (var m in markers)
        {
            var i = question.IndexOf(m, StringComparison.OrdinalIgnoreCase);
            if (i < 0) continue;
            var rest = Trailing().Replace(question[(i + m.Length)..].Trim(), "");
            if (rest.Length >= 3) return Cut(rest, 200);
        }
        return null;
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..n].TrimEnd();

    [GeneratedRegex(@"[\s.!?]+$")]
    private static partial Regex Trailing();
}
