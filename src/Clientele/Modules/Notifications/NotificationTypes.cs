namespace Clientele.Modules.Notifications;

/// <summary>What the product notifies about (notifications.category = notification_preferences.notification_type), for the preferences form and its validation.</summary>
public static class NotificationTypes
{
    public sealed record Kind(string Key, string Label, string Description);

    /// <summary>notifications.type: how it is shown.</summary>
    public static readonly string[] Levels = ["info", "success", "warning", "error"];

    public static readonly string[] Frequencies = ["immediate", "hourly", "daily", "weekly", "never"];

    public static readonly IReadOnlyList<Kind> All =
    [
        new("conversation_escalated", "Conversations handed to a person", "An AI agent escalated a conversation to the team."),
        new("lead_hot", "Hot leads", "A conversation turned into a hot lead."),
        new("approval_requested", "Approvals waiting", "An AI agent proposed an action that needs a person's approval."),
        new("plan_limit", "Plan limits", "The organization used 80% or all of a plan limit (owners)."),
        new("billing", "Billing and dunning", "Reminders and steps taken on overdue customer invoices."),
        new("credits_exhausted", "Message credits used up", "AI agents stopped replying for lack of message credits."),
        new("webhook_disabled", "Webhook endpoint disabled", "A webhook endpoint failed for hours and was turned off."),
        new("trigger", "Automation triggers", "A trigger's notify action named you or your role."),
        new("sales_activity_overdue", "Overdue sales activities", "A call, meeting or follow-up you perform passed its scheduled time without being completed."),
    ];

    public static bool IsKnown(string key) => All.Any(k => k.Key == key);
}
