using Clientele.Platform.Audit;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Platform.Auth.Pages;

/// <summary>
/// /app/settings/api-keys (admins and owners): the organization's keys by prefix, creating one
/// (the key is in the response to the create POST only, never stored or shown again) and revoking.
/// </summary>
public sealed class ApiKeysModel : ConsolePage
{
    public sealed record KeyRow(Guid Id, string Name, string Prefix, string[] Scopes, string? Owner, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, DateTime? ExpiresAt);

    public static readonly string[] KnownScopes = ["read", "write", "admin"];
    public IReadOnlyList<KeyRow> Keys { get; private set; } = [];
    /// <summary>The key just created: in this response only.</summary>
    public string? NewKey { get; private set; }
    public string? Flash { get; private set; }

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string[] Scopes { get; set; } = ["read", "write"];
    [BindProperty] public Guid KeyId { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        RequireAdmin();
        Flash = TempData["flash"] as string;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        RequireAdmin();
        var name = Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) ModelState.AddModelError(nameof(Name), "Name the key (1 to 100 characters), e.g. after the system that uses it.");
        if (Scopes.Length == 0 || Scopes.Any(x => !KnownScopes.Contains(x))) ModelState.AddModelError(nameof(Scopes), "Choose at least one of read, write, admin.");
        if (ModelState.IsValid)
        {
            await using var s = OpenSession();
            var (json, id) = await AuthApi.InsertKeyAsync(s, name!, Scopes.Distinct().ToArray(), null, Aborted);
            await AuditWriter.WriteAsync(s, "api_keys", id, "create", new System.Text.Json.Nodes.JsonObject { ["after"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name } }, Aborted);
            await s.CommitAsync(Aborted);
            NewKey = json["key"]!.GetValue<string>();
            Name = null;
        }
        else Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        RequireAdmin();
        await using (var s = OpenSession())
        {
            var revoked = await AuthApi.RevokeAsync(s, KeyId, Service<AuthCache>(), Aborted);
            if (revoked is null) return NotFound();
            await s.CommitAsync(Aborted);
            TempData["flash"] = $"The key “{revoked["name"]}” is revoked: requests with it now get 401.";
        }
        return Redirect("/app/settings/api-keys");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        var list = new List<KeyRow>();
        await using var r = await s.ReadAsync("""
            SELECT k.id, k.name, k.prefix, k.scopes, coalesce(u.name, u.email), k.created_at, k.last_used_at, k.revoked_at, k.expires_at
            FROM api_keys k LEFT JOIN users u ON u.organization_id = k.organization_id AND u.id = k.user_id
            WHERE k.organization_id = $1 ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC LIMIT 500
            """, [new NpgsqlParameter { Value = Tenant.OrganizationId }], Aborted);
        DateTime? T(int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
        while (await r.ReadAsync(Aborted))
            list.Add(new KeyRow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), r.IsDBNull(4) ? null : r.GetString(4),
                DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc), T(6), T(7), T(8)));
        Keys = list;
    }

    public static string When(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm") ?? "never";
}
