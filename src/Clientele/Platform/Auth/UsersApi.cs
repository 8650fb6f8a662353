using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Auth;

/// <summary>
/// Writes to /api/v1/users go through here (literal routes win over the generic /{table}); the
/// generic store does the binding and auditing. On top it enforces the owner rules (docs/security.md):
/// only owners make, change or remove owners; the last active owner cannot be demoted, deactivated
/// or deleted; and it takes a write-only `password` (signup's strength rule) so an admin can create
/// an account that can sign in. Role, activity and password changes end the user's sessions (a
/// database trigger, NOTIFY for other nodes; this node drops its cache at once).
/// </summary>
public static class UsersApi
{
    public const int MinPassword = 8, MaxPassword = 200;

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/users").WithTags("Resources").ExcludeFromDescription();
        g.MapPost("/", Create);
        g.MapPatch("/{id}", Update);
        g.MapDelete("/{id}", Delete);
    }

    /// <summary>Signup's rule, in one place.</summary>
    public static string? PasswordProblem(string? password) =>
        password is null || password.Length < MinPassword || password.Length > MaxPassword ? $"must be {MinPassword} to {MaxPassword} characters" : null;

    private static async Task<IResult> Create(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var def = RequireWriter(registry, tenant);
        var (body, password) = Split(await JsonBody.ReadBytesAsync(ctx));
        if (Role(body) == Roles.Owner) RequireOwner(tenant, "Only an owner can make an owner.");
        var id = Guid.CreateVersion7();
        await using var s = sessions.Open(tenant);
        var result = await store.CreateAsync(s, def, body, ctx.RequestAborted,
            password is null ? null : [("password_hash", SessionService.HashPassword(id, password))]);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/users/{result.Id}");
    }

    private static async Task<IResult> Update(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions,
        TenantContext tenant, AuthCache cache)
    {
        var def = RequireWriter(registry, tenant);
        var userId = ParseId(id);
        var (body, password) = Split(await JsonBody.ReadBytesAsync(ctx));
        var newRole = Role(body);
        await using var s = sessions.Open(tenant);
        var (targetRole, owners) = await OwnersAsync(s, userId, ctx.RequestAborted);
        if (targetRole == Roles.Owner || newRole == Roles.Owner) RequireOwner(tenant, "Only an owner can make an owner or change one.");
        var losesOwner = targetRole == Roles.Owner && ((newRole is not null && newRole != Roles.Owner)
                                                       || (body.TryGetProperty("is_active", out var active) && active.ValueKind == JsonValueKind.False));
        if (losesOwner && owners.Count == 1 && owners[0] == userId)
            throw ProblemException.Conflict("This is the organization's last active owner: make another owner first.",
                new Dictionary<string, string[]> { [newRole is not null ? "role" : "is_active"] = ["cannot remove the last active owner"] });
        var result = await store.UpdateAsync(s, def, userId, body, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted,
            password is null ? null : [("password_hash", SessionService.HashPassword(userId, password))]);
        cache.RemoveUser(userId); // this node at once; the trigger's NOTIFY reaches the others
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Delete(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions,
        TenantContext tenant, AuthCache cache)
    {
        var def = RequireWriter(registry, tenant);
        var userId = ParseId(id);
        await using var s = sessions.Open(tenant);
        var (targetRole, owners) = await OwnersAsync(s, userId, ctx.RequestAborted);
        if (targetRole == Roles.Owner)
        {
            RequireOwner(tenant, "Only an owner can remove an owner.");
            if (owners.Count == 1 && owners[0] == userId)
                throw ProblemException.Conflict("This is the organization's last active owner: make another owner first.");
        }
        await store.DeleteAsync(s, def, userId, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        cache.RemoveUser(userId);
        return Results.NoContent();
    }

    /// <summary>
    /// The target's role, and the active owners locked FOR UPDATE in id order (so two owners
    /// demoting each other at once cannot both succeed: the second sees the first's result).
    /// </summary>
    private static async Task<(string? TargetRole, List<Guid> Owners)> OwnersAsync(TenantSession s, Guid userId, CancellationToken ct)
    {
        await s.BeginAsync(ct);
        var owners = new List<Guid>();
        await using (var cmd = await s.CommandAsync("""
            SELECT id FROM users WHERE organization_id = $1 AND role = 'owner' AND is_active AND deleted_at IS NULL ORDER BY id FOR UPDATE
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) owners.Add(r.GetGuid(0));
        }
        await using var role = await s.CommandAsync("SELECT role FROM users WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL", ct);
        role.Parameters.AddWithValue(s.OrganizationId);
        role.Parameters.AddWithValue(userId);
        return (await role.ExecuteScalarAsync(ct) as string, owners);
    }

    private static ResourceDefinition RequireWriter(ResourceRegistry registry, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!tenant.IsAdmin) throw ProblemException.Forbidden("Changing users needs the admin or owner role.");
        return registry.Find("users")!;
    }

    private static void RequireOwner(TenantContext tenant, string detail)
    {
        if (tenant.Role != Roles.Owner) throw ProblemException.Forbidden(detail + " (API keys act at most as admin.)");
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No user with id {id}.");

    private static string? Role(JsonElement body) =>
        body.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;

    /// <summary>Takes the write-only password out of the body (validated) and hands the rest to the generic binder.</summary>
    private static (JsonElement Body, string? Password) Split(byte[] bytes)
    {
        var element = BodyBinder.ParseObject(bytes);
        if (!element.TryGetProperty("password", out var p)) return (element, null);
        var password = p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (p.ValueKind != JsonValueKind.String || PasswordProblem(password) is not null)
            throw ProblemException.Validation("password", PasswordProblem(password) ?? "must be a string");
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(bytes.Length);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var prop in element.EnumerateObject())
                if (prop.Name != "password") prop.WriteTo(w);
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return (doc.RootElement.Clone(), password);
    }
}
