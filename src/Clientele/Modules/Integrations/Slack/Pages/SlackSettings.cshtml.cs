using Clientele.Modules.Notifications;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Integrations.Slack.Pages;

/// <summary>
/// /app/settings/slack: the signed-in user's Slack connection. "Add to Slack" (redirects to Slack's
/// consent screen with a signed state; Slack comes back to /oauth/slack/callback, which returns
/// here), where notifications go (a channel, or a DM when empty) and which types, and Disconnect.
/// Every role may use it: it changes only the user's own connection and preferences.
/// </summary>
public sealed class SlackSettingsModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "connected")] public string? Connected { get; set; }
    [BindProperty(SupportsGet = true, Name = "error")] public string? Error { get; set; }
    [BindProperty] public string? ChannelId { get; set; }
    [BindProperty] public List<string> Types { get; set; } = [];

    public SlackLink? Link { get; private set; }
    public HashSet<string> Chosen { get; private set; } = [];
    public bool Configured { get; private set; }
    public string? Flash { get; private set; }
    public string? Failure { get; private set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string ?? (Connected == "1" ? "Slack connected. Choose where notifications go and which ones." : null);
        Failure = Error is { } e ? SlackCallbackApi.Errors.GetValueOrDefault(e, "Slack was not connected.") : null;
        await LoadAsync();
    }

    /// <summary>GET ?handler=connect: to Slack's consent screen with a fresh signed state.</summary>
    public IActionResult OnGetConnect() =>
        Redirect(SlackConnectApi.AuthorizationUrl(Request, Tenant, Service<SlackOptions>(), Service<SlackOAuthState>()));

    public async Task<IActionResult> OnPostSaveAsync()
    {
        var user = SlackConnectApi.UserOf(Tenant);
        var types = Types.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct().ToList();
        foreach (var (field, messages) in SlackConnections.Check(ChannelId, types))
            ModelState.AddModelError(field == "channel_id" ? nameof(ChannelId) : nameof(Types), messages[0]);
        await using (var s = OpenSession())
        {
            if (await SlackConnections.OfUserAsync(s, user, Aborted) is null) ModelState.AddModelError(string.Empty, "Slack is not connected; add it first.");
            if (ModelState.ErrorCount > 0)
            {
                await LoadFromAsync(s);
                Chosen = [.. types];
                Response.StatusCode = 422;
                return Page();
            }
            await SlackConnections.SetChannelAsync(s, user, SlackConnections.NormalizeChannel(ChannelId), Aborted);
            await SlackConnections.SetTypesAsync(s, user, types, Aborted);
            await s.CommitAsync(Aborted);
        }
        TempData["flash"] = "Slack settings saved.";
        return Redirect("/app/settings/slack");
    }

    public async Task<IActionResult> OnPostDisconnectAsync()
    {
        var user = SlackConnectApi.UserOf(Tenant);
        SlackLink? removed;
        await using (var s = OpenSession())
        {
            removed = await SlackConnectApi.DisconnectAsync(s, user, Aborted);
            await s.CommitAsync(Aborted);
        }
        if (removed is not null) await SlackConnectApi.RevokeAsync(Service<SlackWebApi>(), Service<BodyBinder>(), removed, Aborted);
        TempData["flash"] = removed is null ? "Slack was not connected." : "Slack disconnected.";
        return Redirect("/app/settings/slack");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        await LoadFromAsync(s);
        ChannelId = Link?.ChannelId;
    }

    private async Task LoadFromAsync(Platform.Database.TenantSession s)
    {
        var user = SlackConnectApi.UserOf(Tenant);
        Configured = Service<SlackOptions>().Configured;
        Link = await SlackConnections.OfUserAsync(s, user, Aborted);
        Chosen = [.. await SlackConnections.TypesAsync(s, user, Aborted)];
    }

    public static IReadOnlyList<NotificationTypes.Kind> Kinds => NotificationTypes.All;
}
