using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Notifications.Pages;

/// <summary>
/// /app/notifications: the signed-in user's notifications (unread / all / archived, newest first,
/// keyset-paged), mark read / unread / archive one, mark all read, and the preferences form (in-app
/// on or off and the email choice per type). Every role may use it: it changes only their own rows.
/// </summary>
public sealed class NotificationsModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "view")] public string View { get; set; } = "unread";
    [BindProperty(SupportsGet = true, Name = "after")] public string? After { get; set; }
    [BindProperty] public Guid Id { get; set; }
    [BindProperty] public string? Change { get; set; }

    public IReadOnlyList<NotificationRow> Rows { get; private set; } = [];
    public IReadOnlyList<NotificationSetting> Settings { get; private set; } = [];
    /// <summary>The form's time zone (users.preferences.timezone; empty = the organization's) and the organization's, for the label.</summary>
    [BindProperty] public string? TimeZone { get; set; }
    public string? OrganizationZone { get; private set; }
    public long Unread { get; private set; }
    public string? Next { get; private set; }
    public string? Flash { get; private set; }

    public static readonly (string Value, string Label)[] Tabs = [("unread", "Unread"), ("all", "All"), ("archived", "Archived")];

    public static readonly (string Value, string Label)[] EmailChoices =
        [("immediate", "Email at once"), ("hourly", "Hourly digest"), ("daily", "Daily digest (8:00)"), ("weekly", "Weekly digest (Monday 8:00)"), ("never", "No email")];

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostChangeAsync()
    {
        var user = NotificationInbox.UserOf(Tenant);
        if (Change is not ("read" or "unread" or "archive" or "unarchive")) return BadRequest();
        await using (var s = OpenSession())
        {
            if (!await NotificationInbox.ChangeAsync(s, user, Id, Change, Aborted)) return NotFound();
            await s.CommitAsync(Aborted);
        }
        return Done(Change switch { "read" => "Marked read.", "unread" => "Marked unread.", "archive" => "Archived.", _ => "Moved back to the list." });
    }

    public async Task<IActionResult> OnPostReadAllAsync()
    {
        var user = NotificationInbox.UserOf(Tenant);
        int marked;
        await using (var s = OpenSession())
        {
            marked = await NotificationInbox.MarkAllReadAsync(s, user, Aborted);
            await s.CommitAsync(Aborted);
        }
        return Done(marked == 1 ? "1 notification marked read." : $"{marked} notifications marked read.");
    }

    public async Task<IActionResult> OnPostPreferencesAsync()
    {
        var user = NotificationInbox.UserOf(Tenant);
        var form = Request.Form;
        var choices = NotificationTypes.All.Select(k => (Kind: k, InApp: form[$"inapp-{k.Key}"] == "on", Email: (string?)form[$"email-{k.Key}"] ?? "immediate")).ToList();
        var invalid = choices.Where(c => !NotificationTypes.Frequencies.Contains(c.Email)).ToList();
        foreach (var c in invalid) ModelState.AddModelError($"email-{c.Kind.Key}", "Choose one of the listed email options.");
        var zoneError = UserTimeZone.Check(TimeZone);
        if (zoneError is not null) ModelState.AddModelError(nameof(TimeZone), zoneError);
        if (invalid.Count > 0 || zoneError is not null)
        {
            var chosen = TimeZone;
            await LoadAsync();
            TimeZone = chosen;
            Response.StatusCode = 422;
            return Page();
        }
        await using (var s = OpenSession())
        {
            await UserTimeZone.SaveAsync(s, user, TimeZone, Aborted);
            foreach (var c in choices) await NotificationSettings.SaveAsync(s, user, c.Kind.Key, c.InApp, c.Email != "never", c.Email, Aborted);
            await s.CommitAsync(Aborted);
        }
        return Done("Preferences saved.");
    }

    private IActionResult Done(string flash)
    {
        TempData["flash"] = flash;
        return Redirect("/app/notifications" + (View is "unread" ? "" : "?view=" + Uri.EscapeDataString(View)) + "#top");
    }

    private async Task LoadAsync()
    {
        if (!NotificationInbox.Views.Contains(View)) View = "unread";
        var user = NotificationInbox.UserOf(Tenant);
        (DateTime, Guid)? before = After?.Split('_') is [var ticks, var id] && long.TryParse(ticks, out var t) && Guid.TryParse(id, out var g)
            ? (new DateTime(t, DateTimeKind.Utc), g) : null;
        await using var s = OpenSession();
        Rows = await NotificationInbox.ListAsync(s, user, View, before, Aborted);
        Next = Rows.Count == NotificationInbox.PageSize ? $"{Rows[^1].CreatedAt.Ticks}_{Rows[^1].Id}" : null;
        Unread = await NotificationInbox.UnreadCountAsync(s, user, Aborted);
        Settings = await NotificationSettings.ReadAsync(s, user, Aborted);
        TimeZone = await UserTimeZone.ReadAsync(s, user, Aborted);
        OrganizationZone = await UserTimeZone.OrganizationZoneAsync(s, Aborted);
    }
}
