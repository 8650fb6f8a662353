using System.Text.Json.Nodes;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Block Kit for notifications: a section with the title in bold and the message, a context line
/// with the link, and for an approval waiting the Approve / Reject buttons. The button value
/// carries the organization and the approval ("{organization}:{approval}"), which the
/// interactivity endpoint checks against the workspace's connections.
/// </summary>
public static class SlackMessages
{
    public const string ApproveAction = "clientele_approve";
    public const string RejectAction = "clientele_reject";

    public static JsonObject Notification(string channel, string title, string message, string? link, Guid organization, Guid? pendingApproval)
    {
        var blocks = new JsonArray
        {
            Section($"*{Escape(title)}*\n{Escape(message)}"),
        };
        if (link is not null) blocks.Add(Context($"<{link}|Open in Clientele>"));
        if (pendingApproval is { } approval)
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["block_id"] = "approval",
                ["elements"] = new JsonArray
                {
                    Button(ApproveAction, "Approve", "primary", $"{organization}:{approval}"),
                    Button(RejectAction, "Reject", "danger", $"{organization}:{approval}"),
                },
            });
        return new JsonObject { ["channel"] = channel, ["text"] = $"{title}: {message}", ["blocks"] = blocks, ["unfurl_links"] = false };
    }

    /// <summary>The message after a decision: the original text, and who decided instead of the buttons (replaces the original).</summary>
    public static JsonObject Decided(string title, string message, string outcome) => new()
    {
        ["replace_original"] = true,
        ["text"] = $"{title}: {outcome}",
        ["blocks"] = new JsonArray { Section($"*{Escape(title)}*\n{Escape(message)}"), Context(Escape(outcome)) },
    };

    /// <summary>A reply only the clicking user sees; the original message (and its buttons) stays.</summary>
    public static JsonObject Ephemeral(string text) => new() { ["response_type"] = "ephemeral", ["replace_original"] = false, ["text"] = text };

    /// <summary>Slack's mrkdwn needs only &amp;, &lt; and &gt; escaped.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(mrkdwn, 3000) } };

    private static JsonObject Context(string mrkdwn) =>
        new() { ["type"] = "context", ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(mrkdwn, 3000) } } };

    private static JsonObject Button(string actionId, string label, string style, string value) => new()
    {
        ["type"] = "button", ["action_id"] = actionId, ["style"] = style, ["value"] = value,
        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = label },
    };

    /// <summary>Block Kit text limits (3000 characters for a section).</summary>
    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
