namespace Clientele.Platform.WebConsole;

/// <summary>
/// The left navigation. A module adds its entry here when its first page lands; entries without
/// an href are placeholders for pages other issues will build (shown as "soon", not as links).
/// </summary>
public static class ConsoleNav
{
    public sealed record Item(string Label, string? Href, string Icon);

    public static readonly IReadOnlyList<Item> Main =
    [
        new("Home", "/app", "⌂"),
        new("Inbox", "/app/inbox", "✉"),
        new("Customers", "/app/customers", "☺"),
        new("Success", "/app/success", "♥"),
        new("Pipeline", "/app/pipeline", "↗"),
        new("Leads", "/app/leads", "☆"),
        new("Imports", "/app/imports", "⇪"),
        new("Prospects", "/app/prospects", "◎"),
        new("Approvals", "/app/approvals", "✓"),
        new("Agents", "/app/agents", "✦"),
        new("Automation", "/app/automation", "⟳"),
        new("Team", "/app/team", "☷"),
        new("Activity", "/app/activity", "≡"),
        new("Billing", "/app/billing", "$"),
        new("Reports", "/app/reports", "▤"),
        new("Support", "/app/support", "?"),
        new("Settings", "/app/settings", "⚙"),
    ];

    public static readonly IReadOnlyList<Item> Soon =
    [
    ];

    /// <summary>"/app" is current only on the home page; the others also for their sub-pages.</summary>
    public static bool IsCurrent(Item item, string path) =>
        item.Href == "/app" ? path is "/app" or "/app/" : item.Href is not null && (path == item.Href || path.StartsWith(item.Href + "/", StringComparison.Ordinal));
}
