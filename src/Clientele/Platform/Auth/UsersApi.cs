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
/// generic store does the binding and auditing. On top it enforces the owner rules (OwnerRules, shared
/// with the console's team page; docs/security.md) and it takes a write-only `password` (signup's strength rule) so an admin can create
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
        OwnerRules.RequireAdmin(tenant);
        var (body, password) = Split(await JsonBody.ReadBytesAsync(ctx));
        OwnerRules.CheckCreate(tenant, Role(body));
        var def = registry.Find("users")!;
        var id = Guid.CreateVersion7();
        await using var s = sessions.Open(tenant);
        var result = await store.CreateAsync(s, def, body, ctx.RequestAborted,
            password is null ? null : [("password_hash", SessionService.HashPassword(id, password))]);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/users/{result.Id}");
    }

    private static async Task<IResult> Update(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions,
        TenantContext tenant, AuthCache cache)
    {
        OwnerRules.RequireAdmin(tenant);
        var userId = ParseId(id);
        var (body, password) = Split(await JsonBody.ReadBytesAsync(ctx));
        await using var s = sessions.Open(tenant);
        OwnerRules.CheckChange(tenant, await OwnerRules.LockAsync(s, userId, ctx.RequestAborted), Role(body),
            body.TryGetProperty("is_active", out var active) && active.ValueKind == JsonValueKind.False);
        var def = registry.Find("users")!;
        var result = await store.UpdateAsync(s, def, userId, body, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted,
            password is null ? null : [("password_hash", SessionService.HashPassword(userId, password))]);
        cache.RemoveUser(userId); // this node at once; the trigger's NOTIFY reaches the others
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Delete(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions,
        TenantContext tenant, AuthCache cache)
    {
        OwnerRules.RequireAdmin(tenant);
        var userId = ParseId(id);
        await using var s = sessions.Open(tenant);
        OwnerRules.CheckDelete(tenant, await OwnerRules.LockAsync(s, userId, ctx.RequestAborted));
        var def = registry.Find("users")!;
        await store.DeleteAsync(s, def, userId, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        cache.RemoveUser(userId);
        return Results.NoContent();
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
