using System.Text.Json.Nodes;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Channels.Pages;

/// <summary>A channel (phone_numbers row) as the settings page lists it; the access token is never read back, only whether one is set.</summary>
public sealed record ChannelRow(Guid Id, string Platform, string Identifier, string? DisplayName, bool IsActive, bool HasToken, string PublicKey,
    string[] AllowedOrigins, string? Agent);

/// <summary>
/// /app/settings/channels: WhatsApp, Instagram, webchat and email channels. Admins add and edit
/// them through the resource store (ResourceFormPage: validated, audited, the token encrypted); tokens are
/// write-only (an empty token field keeps the current one). Webchat channels show their embed snippet.
/// </summary>
public sealed class ChannelSettingsModel : ResourceFormPage<ChannelRow>
{
    public static readonly string[] Platforms = ["whatsapp", "instagram", "webchat", "email"];

    [BindProperty] public Guid ChannelId { get; set; }
    [BindProperty] public string? Platform { get; set; }
    [BindProperty] public string? Identifier { get; set; }
    [BindProperty] public string? DisplayName { get; set; }
    [BindProperty] public string? AccessToken { get; set; }
    [BindProperty] public string? AllowedOrigins { get; set; }
    [BindProperty] public bool IsActive { get; set; } = true;

    public string Origin => $"{Request.Scheme}://{Request.Host}";

    protected override string Resource => "phone_numbers";
    protected override string AfterSave(Guid id) => "/app/settings/channels";
    protected override void BeforeRerender() => AccessToken = null; // never echoed back

    public async Task<IActionResult> OnPostAddAsync()
    {
        RequireAdmin();
        var body = new JsonObject();
        if (Platform is null || !Platforms.Contains(Platform)) ModelState.AddModelError(nameof(Platform), "Choose WhatsApp, Instagram, webchat or email.");
        else body["platform"] = Platform;
        var id = Identifier?.Trim();
        if (string.IsNullOrEmpty(id) || id.Length > 100)
            ModelState.AddModelError(nameof(Identifier), Platform == "email" ? "Enter the inbound email address." : "Enter the channel's id (1 to 100 characters).");
        else body["meta_phone_number_id"] = id;
        if (Platform is "whatsapp" or "instagram" && string.IsNullOrWhiteSpace(AccessToken))
            ModelState.AddModelError(nameof(AccessToken), "WhatsApp and Instagram need the Meta access token.");
        Common(body);
        return await SaveAsync(Guid.Empty, body, "Channel added.");
    }

    public async Task<IActionResult> OnPostEditAsync()
    {
        RequireAdmin();
        var body = new JsonObject { ["is_active"] = IsActive };
        Common(body);
        return await SaveAsync(ChannelId, body, "Channel saved.");
    }

    private void Common(JsonObject body)
    {
        var name = DisplayName?.Trim();
        if (name is { Length: > 255 }) ModelState.AddModelError(nameof(DisplayName), "The display name is at most 255 characters.");
        else body["display_name"] = string.IsNullOrEmpty(name) ? null : name;
        if (!string.IsNullOrWhiteSpace(AccessToken)) body["access_token"] = AccessToken.Trim(); // empty: keep the current token
        var origins = (AllowedOrigins ?? "").Split([',', '\n', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (origins.Any(o => !Uri.TryCreate(o, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || u.PathAndQuery != "/"))
            ModelState.AddModelError(nameof(AllowedOrigins), "List origins like https://www.example.com (scheme and host, no path), separated by commas.");
        else if (AllowedOrigins is not null) body["allowed_origins"] = new JsonArray(origins.Select(o => (JsonNode)o.TrimEnd('/')).ToArray());
    }

    protected override string FieldOf(string field) => field switch
    {
        "platform" => nameof(Platform), "meta_phone_number_id" => nameof(Identifier), "display_name" => nameof(DisplayName),
        "access_token" => nameof(AccessToken), "allowed_origins" => nameof(AllowedOrigins), "settings" => nameof(Identifier), _ => "",
    };

    protected override string ListSql => """
        SELECT p.id, p.platform, p.meta_phone_number_id, p.display_name, p.is_active, p.access_token IS NOT NULL, p.public_key, p.allowed_origins,
               (SELECT a.name FROM agents a WHERE a.organization_id = p.organization_id AND a.phone_number_id = p.id AND a.is_active LIMIT 1)
        FROM phone_numbers p WHERE p.organization_id = $1 ORDER BY p.created_at, p.id LIMIT 200
        """;

    protected override ChannelRow Map(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), S(r, 3), r.GetBoolean(4), r.GetBoolean(5),
        r.GetString(6), r.GetFieldValue<string[]>(7), S(r, 8));

    public string Snippet(ChannelRow c) => $"<script src=\"{Origin}/widget.js\" data-channel=\"{c.PublicKey}\" async></script>";

    public static string PlatformName(string p) => p switch { "whatsapp" => "WhatsApp", "instagram" => "Instagram", "webchat" => "Website chat", "email" => "Email", _ => p };
}
