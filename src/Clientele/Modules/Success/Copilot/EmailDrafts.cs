using static Clientele.Modules.Success.Copilot.BriefText;

namespace Clientele.Modules.Success.Copilot;

/// <summary>The built-in copilot's email drafts: a subject and one paragraph per topic, with the facts that matter to the customer.</summary>
public static class EmailDrafts
{
    public static (string Subject, string Paragraph) For(string topic, CustomerBrief b)
    {
        var bl = b.Billing;
        switch (topic)
        {
            case QuestionReader.Billing when bl.OverdueInvoices > 0:
                return ("Your open invoices", $"I'm reaching out about {Plural(bl.OverdueInvoices, "overdue invoice")} totalling {Money(bl.OverdueAmount, bl.Currency)} "
                    + $"(the oldest is {bl.OldestOverdueDays} days past due). Could you let me know when we can expect payment, or whether anything is "
                    + "blocking it on your side? I'm happy to help sort it out.");
            case QuestionReader.Billing:
                return ("A quick billing check-in", "I wanted to make sure everything on the billing side works for you. If anything about your plan or invoices "
                    + "is unclear, just reply to this email and I'll take care of it.");
            case QuestionReader.Renewal when b.Renewal is { } r:
                return ($"Your renewal on {Date(r.RenewalDate)}", $"Your renewal comes up on {Date(r.RenewalDate)}. I'd like to review how things are going and "
                    + "plan the next term together. Would you have 30 minutes in the next two weeks?");
            case QuestionReader.Renewal:
                return ("Planning ahead together", "I'd like to review how things are going and plan the months ahead together. Would you have 30 minutes in the next two weeks?");
            case QuestionReader.Stakeholders:
                var gone = b.Stakeholders.FirstOrDefault(s => s.Left && (s.IsChampion || s.IsPrimary));
                return ("Introduction and next steps", (gone is not null ? $"With {gone.Label} having moved on, I'd like to make sure " : "I'd like to make sure ")
                    + "your team has everything it needs from us. Could we set up a short call to introduce ourselves and hear your priorities?");
            case QuestionReader.Usage:
                return ("Getting more out of the product", "I've been looking at how your team uses the product and I'd love to help you get more value from it"
                    + (b.Usage.IdleFeatures.Count > 0 ? $", for example with {List(b.Usage.IdleFeatures.Take(2))}" : "") + ". Would a short session with your team be useful?");
            case QuestionReader.Expansion:
                return ("Supporting your growth", "As your team grows, I'd like to make sure your plan keeps up. Could we find 30 minutes to talk about what's ahead?");
            case QuestionReader.Health or QuestionReader.Risk:
                return ("Checking in", "I wanted to check in on how things are going. I'd like to hear what is working for your team and what isn't, "
                    + "so we can fix what gets in your way. Would you have 30 minutes this week?");
            default:
                return ("Checking in", "I wanted to check in and see how things are going. Is there anything we can help your team with right now?");
        }
    }
}
