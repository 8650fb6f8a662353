using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// "What should I do?": next steps from the risk drivers, most actionable first, with up to three
/// proposals (a task for overdue money, an email to the remaining contact when a champion left, a
/// health-check meeting for falling health, usage, sentiment or a close renewal). A healthy account
/// gets the expansion opportunity instead.
/// </summary>
public static class NextSteps
{
    public static CopilotReply For(CustomerBrief b)
    {
        var drivers = RiskDrivers.Of(b);
        var kinds = drivers.Select(d => d.Kind).ToHashSet();
        var steps = new List<string>();
        var actions = new List<ProposedAction>();
        var today = DateOnly.FromDateTime(b.AsOf.UtcDateTime);
        var contact = CopilotComposer.Recipient(b, "");
        var context = CopilotComposer.Context(b);
        var bl = b.Billing;

        if (kinds.Contains(RiskDrivers.Overdue))
        {
            var title = $"Follow up on {Plural(bl.OverdueInvoices, "overdue invoice")} ({Money(bl.OverdueAmount, bl.Currency)})";
            steps.Add($"Collect the overdue money: {drivers.First(d => d.Kind == RiskDrivers.Overdue).Text}. I proposed a task \"{title}\".");
            actions.Add(new ProposedAction(ProposedAction.CreateTask, Title: title, Description: context, DueDate: today.AddDays(2)));
        }
        else if (kinds.Contains(RiskDrivers.FailedPayments) || kinds.Contains(RiskDrivers.Subscription))
            steps.Add("Fix the billing: " + string.Join("; ", drivers.Where(d => d.Kind is RiskDrivers.FailedPayments or RiskDrivers.Subscription).Select(d => d.Text)) + ".");

        if (kinds.Contains(RiskDrivers.ChampionLeft))
        {
            var gone = drivers.First(d => d.Kind == RiskDrivers.ChampionLeft).Text;
            if (contact is { } c)
            {
                var (subject, paragraph) = EmailDrafts.For(QuestionReader.Stakeholders, b);
                var greeting = c.Name is { Length: > 0 } n ? $"Hi {n.Split(' ')[0]}," : "Hello,";
                steps.Add($"Rebuild the relationship ({gone}): introduce yourself to {c.Name ?? c.Email}. I drafted the email.");
                actions.Add(new ProposedAction(ProposedAction.SendEmail, To: c.Email, ToName: c.Name, Subject: subject,
                    Body: $"{greeting}\n\n{paragraph}\n\nBest regards,\n{b.Signature}"));
            }
            else steps.Add($"Rebuild the relationship ({gone}): find a new champion; nobody else is on record.");
        }

        var callReasons = drivers.Where(d => d.Kind is RiskDrivers.HealthDrop or RiskDrivers.UsageDrop or RiskDrivers.Sentiment or RiskDrivers.Renewal).ToList();
        if (callReasons.Count > 0)
        {
            var qbr = b.Renewal is { QbrCompleted: false, DaysUntil: >= 0 and <= 90 };
            var title = qbr ? $"QBR: {b.Customer.Name}" : $"Health check: {b.Customer.Name}";
            if (contact is { } c)
            {
                steps.Add($"Book a {(qbr ? "QBR" : "health check")} with {c.Name ?? c.Email}: {string.Join("; ", callReasons.Select(d => d.Text))}. I proposed the meeting.");
                if (actions.Count < 3)
                    actions.Add(new ProposedAction(ProposedAction.ScheduleMeeting, AttendeeEmail: c.Email, AttendeeName: c.Name, DurationMinutes: qbr ? 60 : 30,
                        Title: title, Description: context));
            }
            else steps.Add($"Talk to the account: {string.Join("; ", callReasons.Select(d => d.Text))}; nobody with an email address is on record.");
        }
        if (kinds.Contains(RiskDrivers.UsageDrop) && b.Usage.IdleFeatures.Count > 0)
            steps.Add($"Drive adoption of {List(b.Usage.IdleFeatures.Take(3))} (unused for 30 days).");

        if (drivers.Count == 0)
        {
            steps.Add($"{b.Customer.Name} looks healthy" + (b.Health.Score is { } s ? $" ({Score(s)})" : "") + ": keep the regular cadence.");
            if (b.Expansion.FirstOrDefault() is { } e)
            {
                steps.Add($"Pursue the {e.Type} opportunity{(e.ProductLine is { } p ? " (" + p + ")" : "")}"
                    + (e.EstimatedValue is { } v ? $" worth {Money(v, bl.Currency)}" : "") + $" at {Percent(e.Probability)}.");
                if (contact is { } c)
                    actions.Add(new ProposedAction(ProposedAction.ScheduleMeeting, AttendeeEmail: c.Email, AttendeeName: c.Name, DurationMinutes: 30,
                        Title: $"Expansion review: {b.Customer.Name}", Description: context));
            }
        }

        var answer = $"Recommended next steps for {b.Customer.Name}:\n" + string.Join("\n", steps.Select((s, i) => $"{i + 1}. {s}"));
        if (actions.Count > 0) answer += $"\n\nI proposed {Plural(actions.Count, "action")}; each waits for approval and nothing runs until a member approves it.";
        return new CopilotReply(QuestionReader.NextSteps, answer, actions);
    }
}
