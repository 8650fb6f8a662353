using Clientele.Platform.Http;
using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>A proposal fit to become an approval: the action (normalized) and its one-line description for approvals.details.</summary>
public sealed record CheckedProposal(ProposedAction Action, string Details);

/// <summary>
/// Checks what a model proposed before anyone is asked to approve it: a known type, sane amounts,
/// and people only from the brief (the customer's address or its current stakeholders), so a model
/// cannot have mail or invitations sent to an address it made up. Rejected proposals are dropped
/// and recorded in the propose_actions step with the reason.
/// </summary>
public static class ProposalCheck
{
    public const decimal MaxCredit = 100_000m;
    public const int MaxDurationMinutes = 480;
    private static readonly string[] CreditTypes = ["goodwill", "refund", "promotional", "migration"];

    public static (CheckedProposal? Ok, string? Problem) Check(ProposedAction a, CustomerBrief b)
    {
        var name = b.Customer.Name;
        switch (a.Type)
        {
            case ProposedAction.ApplyCredit:
                if (a.Amount is not { } amount || amount <= 0 || amount > MaxCredit) return (null, $"amount must be more than 0 and at most {MaxCredit}");
                var currency = (a.Currency ?? b.Billing.Currency).Trim().ToUpperInvariant();
                if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) return (null, "currency must be a three-letter code");
                var type = CreditTypes.Contains(a.CreditType?.Trim().ToLowerInvariant()) ? a.CreditType!.Trim().ToLowerInvariant() : "goodwill";
                var credit = a with { Amount = Math.Round(amount, 2), Currency = currency, CreditType = type, Reason = Cut(a.Reason, 500) };
                return (new CheckedProposal(credit, $"Apply a {Money(credit.Amount!.Value, currency)} {type} credit to {name}"), null);

            case ProposedAction.SendEmail:
                if (Known(a.To, b) is not { } to) return (null, $"'{a.To}' is not the address of {name} or of one of its current stakeholders");
                if (string.IsNullOrWhiteSpace(a.Subject) || string.IsNullOrWhiteSpace(a.Body)) return (null, "an email needs a subject and a body");
                var email = a with { To = to, ToName = Cut(a.ToName, 255), Subject = Cut(a.Subject.ReplaceLineEndings(" ").Trim(), 200), Body = Cut(a.Body.Trim(), 4000) };
                return (new CheckedProposal(email, $"Send the email \"{email.Subject}\" to {email.ToName ?? to} ({to})"), null);

            case ProposedAction.ScheduleMeeting:
                if (Known(a.AttendeeEmail, b) is not { } attendee) return (null, $"'{a.AttendeeEmail}' is not the address of {name} or of one of its current stakeholders");
                var minutes = a.DurationMinutes ?? 30;
                if (minutes is < 5 or > MaxDurationMinutes) return (null, $"duration_minutes must be from 5 to {MaxDurationMinutes}");
                if (a.Start is { } start && start <= b.AsOf) return (null, "start must be in the future");
                var title = string.IsNullOrWhiteSpace(a.Title) ? $"Check-in: {name}" : Cut(a.Title.Trim(), 255)!;
                var meeting = a with { AttendeeEmail = attendee, AttendeeName = Cut(a.AttendeeName, 255), DurationMinutes = minutes, Title = title, Description = Cut(a.Description, 8000) };
                return (new CheckedProposal(meeting, $"Schedule \"{title}\" ({minutes} min) with {meeting.AttendeeName ?? attendee} ({attendee})"
                    + (a.Start is { } s ? " on " + When(s, b.TimeZone) : " at the next free slot")), null);

            case ProposedAction.CreateTask:
                if (string.IsNullOrWhiteSpace(a.Title)) return (null, "a task needs a title");
                var task = a with { Title = Cut(a.Title.Trim(), 200), Description = Cut(a.Description, 4000), DueDate = a.DueDate ?? DateOnly.FromDateTime(b.AsOf.UtcDateTime).AddDays(3) };
                return (new CheckedProposal(task, $"Create the task \"{task.Title}\" for {name}, due {Date(task.DueDate!.Value)}"), null);

            default:
                return (null, $"unknown action type '{a.Type}' (known: {string.Join(", ", ProposedAction.Types)})");
        }
    }

    /// <summary>The address as recorded, when it is the customer's or a current stakeholder's.</summary>
    private static string? Known(string? address, CustomerBrief b)
    {
        var a = address?.Trim();
        if (!Validation.IsEmail(a)) return null;
        var known = b.CurrentStakeholders.Select(c => c.Email).Append(b.Customer.Email).OfType<string>();
        return known.FirstOrDefault(k => k.Equals(a, StringComparison.OrdinalIgnoreCase));
    }

    private static string? Cut(string? s, int n) => s is null ? null : s.Length <= n ? s : s[..n].TrimEnd();
}
