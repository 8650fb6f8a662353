using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Auth;

/// <summary>What a module sets up for every new organization, inside the signup transaction.</summary>
public interface IOrganizationInitializer
{
    Task InitializeAsync(TenantSession s, CancellationToken ct);
}

/// <summary>Signup, login/logout, the current identity, and API key management.</summary>
public static class AuthApi
{
    public sealed record SignupRequest(string? OrganizationName, string? Name, string? Email, string? Password);
    public sealed record LoginRequest(string? Email, string? Password);
    public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);
    public sealed record ApiKeyRequest(string? Name, string[]? Scopes, DateTime? ExpiresAt);

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly string[] KnownScopes = ["read", "write", "admin"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/signup", Signup).AllowAnonymous().WithTags("Auth").WithName("Signup")
            .WithSummary("Create an organization with its owner and a first API key (shown once)")
            .RequireRateLimiting("anonymous");
        api.MapPost("/auth/login", Login).AllowAnonymous().WithTags("Auth").WithName("Login")
            .WithSummary("Sign in with email and password; sets the console session cookie").RequireRateLimiting("anonymous");
        api.MapPost("/auth/logout", Logout).WithTags("Auth").WithName("Logout");
        api.MapPost("/auth/password", ChangePassword).WithTags("Auth").WithName("ChangePassword")
            .WithSummary("Change your own password (signed in); ends every session of the account and starts a new one here");
        OrganizationSwitch.Map(api);
        api.MapGet("/me", Me).WithTags("Auth").WithName("Me").WithSummary("The organization, user and role behind the credential");

        var keys = api.MapGroup("/api_keys").WithTags("API keys");
        keys.MapGet("/", ListKeys).WithName("ListApiKeys");
        keys.MapPost("/", CreateKey).WithName("CreateApiKey").WithSummary("Create an API key; the key is returned once");
        keys.MapPost("/{id}/revoke", RevokeKey).WithName("RevokeApiKey");
        keys.MapDelete("/{id}", RevokeKey).WithName("DeleteApiKey");
    }

    private static async Task<IResult> Signup(HttpContext ctx, IConfiguration config, SignupConcealment concealment)
    {
        if (!config.GetValue("Signup:Enabled", true)) throw ProblemException.Forbidden("Self-service signup is disabled on this server.");
        var req = await JsonBody.ReadAsync<SignupRequest>(ctx);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(req.OrganizationName) || req.OrganizationName.Length > 255) errors.Add("organization_name", "is required (1 to 255 characters)");
        if (string.IsNullOrWhiteSpace(req.Name) || req.Name.Length > 255) errors.Add("name", "is required (1 to 255 characters)");
        if (!Validation.IsEmail(req.Email)) errors.Add("email", "must be a valid email address");
        if (UsersApi.PasswordProblem(req.Password) is { } weak) errors.Add("password", weak);
        errors.ThrowIfAny();
        if (await concealment.ExistingAccountAsync(ctx, req.OrganizationName!.Trim(), req.Name!.Trim(), req.Email!.Trim(), req.Password!) is { } decoy)
            return Results.Text(decoy.ToJsonString(), "application/json", statusCode: 201);

        var result = await CreateOrganizationAsync(ctx.RequestServices, new TenantContext { ActorType = "user", IpAddress = ctx.Connection.RemoteIpAddress?.ToString() },
            req.OrganizationName!.Trim(), req.Name!.Trim(), req.Email!.Trim(), req.Password!, ctx.RequestAborted);
        return Results.Text(result.ToJsonString(), "application/json", statusCode: 201);
    }

    /// <summary>Creates an organization, its owner and an all-scopes API key (signup, CLI, demo).</summary>
    public static async Task<JsonObject> CreateOrganizationAsync(IServiceProvider sp, TenantContext tenant,
        string organizationName, string ownerName, string email, string password, CancellationToken ct)
    {
        var registry = sp.GetRequiredService<ResourceRegistry>();
        var store = sp.GetRequiredService<ResourceStore>();
        ct.ThrowIfCancellationRequested();
        var orgId = Guid.CreateVersion7();
        var userId = Guid.CreateVersion7();
        tenant.OrganizationId = orgId;
        tenant.UserId = userId;
        tenant.Role = Roles.Owner;
        await using var s = sp.GetRequiredService<TenantSessions>().Open(tenant);
        await using (var cmd = await s.CommandAsync("""
            INSERT INTO organizations (id, name, email, company_name, created_by, updated_by) VALUES ($1, $2, $3, $2, $4, $4);
            """, ct))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = orgId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = organizationName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = email });
            cmd.Parameters.Add(new NpgsqlParameter { Value = userId });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var parts = ownerName.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        await using (var cmd = await s.CommandAsync("""
            INSERT INTO users (id, organization_id, email, name, first_name, last_name, role, password_hash, created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, 'owner', $7, $1, $1)
            """, ct))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = userId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = orgId });
            cmd.Parameters.Add(new NpgsqlParameter { Value = email });
            cmd.Parameters.Add(new NpgsqlParameter { Value = ownerName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = parts.Length > 0 ? parts[0] : ownerName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = parts.Length > 1 ? parts[1] : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Hasher.HashPassword(userId, password) });
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var (keyJson, _) = await InsertKeyAsync(s, "Default key", KnownScopes, null, ct);
        foreach (var init in sp.GetServices<IOrganizationInitializer>()) await init.InitializeAsync(s, ct);
        await AuditWriter.WriteAsync(s, "organizations", orgId, "create", new JsonObject { ["after"] = new JsonObject { ["name"] = organizationName } }, ct);
        await AuditWriter.WriteAsync(s, "users", userId, "create", new JsonObject { ["after"] = new JsonObject { ["email"] = email, ["role"] = "owner" } }, ct);
        var user = await store.GetAsync(s, registry.Find("users")!, userId, [], false, ct);
        var org = await OrganizationJsonAsync(s, ct);
        await s.CommitAsync(ct);
        return new JsonObject { ["organization"] = org, ["user"] = JsonNode.Parse(user.Json), ["api_key"] = keyJson };
    }

    public static async Task<JsonObject> OrganizationJsonAsync(TenantSession s, CancellationToken ct)
    {
        await using var r = await s.ReadAsync("""
            SELECT id, name, subdomain, plan, plan_status, email, company_name, max_users, max_agents, max_messages, max_storage, created_at, updated_at
            FROM organizations WHERE id = $1
            """, [new NpgsqlParameter { Value = s.OrganizationId }], ct);
        if (!await r.ReadAsync(ct)) throw ProblemException.NotFound("The organization does not exist.");
        var o = new JsonObject();
        for (var i = 0; i < r.FieldCount; i++)
            o[r.GetName(i)] = r.IsDBNull(i) ? null : JsonValue.Create(r.GetValue(i) is DateTime dt ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : r.GetValue(i));
        return o;
    }

    private static async Task<IResult> Login(HttpContext ctx, SessionService sessions)
    {
        var req = await JsonBody.ReadAsync<LoginRequest>(ctx);
        if (string.IsNullOrWhiteSpace(req.Email) || string.IsNullOrEmpty(req.Password))
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["email"] = ["is required"], ["password"] = ["is required"] });
        if (req.Email.Length > 255 || req.Password.Length > 200) throw new ProblemException(401, "Unauthorized", "The email or password is wrong.");
        var result = await sessions.PasswordSignInAsync(ctx, req.Email, req.Password);
        if (result.Outcome == SessionService.Outcome.LockedOut)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds));
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new ProblemException(429, "Too many requests", $"Too many failed sign-ins for this account; retry after {seconds} s.");
        }
        if (!result.Succeeded) throw new ProblemException(401, "Unauthorized", "The email or password is wrong.");
        return Results.Json(new { user_id = result.UserId, organization_id = result.OrganizationId, role = result.Role });
    }

    private static async Task<IResult> Logout(HttpContext ctx, TenantContext tenant, SessionService sessions)
    {
        await sessions.SignOutAsync(ctx, tenant);
        return Results.NoContent();
    }

    private static async Task<IResult> ChangePassword(HttpContext ctx, TenantContext tenant, SessionService sessions, TenantSessions db, AuthCache cache)
    {
        if (tenant.ActorType != "user" || tenant.ApiKeyId is not null || tenant.UserId is not { } userId)
            throw ProblemException.Forbidden("Sign in with your password to change it (API keys cannot).");
        var req = await JsonBody.ReadAsync<PasswordChangeRequest>(ctx);
        if (UsersApi.PasswordProblem(req.NewPassword) is { } problem) throw ProblemException.Validation("new_password", problem);
        string email;
        await using (var s = db.Open(tenant))
        await using (var r = await s.ReadAsync("SELECT email FROM users WHERE id = $1", [new NpgsqlParameter { Value = userId }], ctx.RequestAborted))
        {
            if (!await r.ReadAsync(ctx.RequestAborted)) throw ProblemException.NotFound("The user does not exist.");
            email = r.GetString(0);
        }
        var (verified, locked) = await sessions.VerifyPasswordAsync(email, req.CurrentPassword ?? "", ctx.RequestAborted);
        if (locked is not null) throw new ProblemException(429, "Too many requests", "Too many failed attempts for this account; retry later.");
        if (verified is null || verified.UserId != userId) throw ProblemException.Validation("current_password", "is wrong");
        await using (var s = db.Open(tenant))
        {
            await using (var cmd = await s.CommandAsync("UPDATE users SET password_hash = $2, updated_by = $1 WHERE id = $1", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(userId);
                cmd.Parameters.AddWithValue(SessionService.HashPassword(userId, req.NewPassword!));
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await AuditWriter.WriteAsync(s, "users", userId, "update", new JsonObject { ["password_changed"] = true }, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
        }
        cache.RemoveUser(userId); // every session ended (trigger); this browser gets a fresh one
        await sessions.SignInAsync(ctx, verified);
        return Results.NoContent();
    }

    private static async Task<IResult> Me(HttpContext ctx, TenantContext tenant, TenantSessions sessions)
    {
        await using var s = sessions.Open(tenant);
        var org = await OrganizationJsonAsync(s, ctx.RequestAborted);
        return Results.Text(new JsonObject
        {
            ["organization"] = org,
            ["user_id"] = tenant.UserId?.ToString(),
            ["api_key_id"] = tenant.ApiKeyId?.ToString(),
            ["role"] = tenant.Role,
            ["actor_type"] = tenant.ActorType,
        }.ToJsonString(), "application/json");
    }

    private const string KeyColumns = "id, name, prefix, scopes, user_id, expires_at, last_used_at, revoked_at, created_at";

    private static async Task<IResult> ListKeys(HttpContext ctx, TenantContext tenant, TenantSessions sessions)
    {
        RequireAdmin(tenant);
        await using var s = sessions.Open(tenant);
        var data = new JsonArray();
        await using (var r = await s.ReadAsync($"SELECT {KeyColumns} FROM api_keys WHERE organization_id = $1 ORDER BY id DESC LIMIT 500",
            [new NpgsqlParameter { Value = tenant.OrganizationId }], ctx.RequestAborted))
        {
            while (await r.ReadAsync(ctx.RequestAborted)) data.Add(KeyJson(r));
        }
        return Results.Text(new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false, ["next_cursor"] = null }.ToJsonString(), "application/json");
    }

    private static async Task<IResult> CreateKey(HttpContext ctx, TenantContext tenant, TenantSessions sessions)
    {
        RequireAdmin(tenant);
        var req = await JsonBody.ReadAsync<ApiKeyRequest>(ctx);
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(req.Name) || req.Name.Length > 100) errors.Add("name", "is required (1 to 100 characters)");
        var scopes = req.Scopes ?? ["read", "write"];
        if (scopes.Length == 0 || scopes.Any(x => !KnownScopes.Contains(x))) errors.Add("scopes", "must be a non-empty subset of read, write, admin");
        if (req.ExpiresAt is { } exp && exp <= DateTime.UtcNow) errors.Add("expires_at", "must be in the future");
        errors.ThrowIfAny();
        await using var s = sessions.Open(tenant);
        var (json, id) = await InsertKeyAsync(s, req.Name!.Trim(), scopes.Distinct().ToArray(), req.ExpiresAt, ctx.RequestAborted);
        await AuditWriter.WriteAsync(s, "api_keys", id, "create", new JsonObject { ["after"] = new JsonObject { ["name"] = req.Name, ["scopes"] = new JsonArray(scopes.Select(x => (JsonNode)x!).ToArray()) } }, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Text(json.ToJsonString(), "application/json", statusCode: 201);
    }

    /// <summary>Inserts a key for the session's user and returns its JSON with the key itself (shown once).</summary>
    internal static async Task<(JsonObject Json, Guid Id)> InsertKeyAsync(TenantSession s, string name, string[] scopes, DateTime? expiresAt, CancellationToken ct)
    {
        var key = ApiKeyMaterial.NewKey();
        var id = Guid.CreateVersion7();
        await using var cmd = await s.CommandAsync($"""
            INSERT INTO api_keys (id, organization_id, user_id, name, prefix, key_hash, scopes, expires_at, created_by, updated_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING {KeyColumns}
            """, ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Tenant.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ApiKeyMaterial.DisplayPrefix(key) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ApiKeyMaterial.Hash(key) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = scopes });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var json = KeyJson(r);
        json["key"] = key;
        return (json, id);
    }

    private static async Task<IResult> RevokeKey(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, AuthCache cache)
    {
        RequireAdmin(tenant);
        if (!Guid.TryParse(id, out var keyId)) throw ProblemException.NotFound($"No API key with id {id}.");
        await using var s = sessions.Open(tenant);
        var json = await RevokeAsync(s, keyId, cache, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No API key with id {id}.");
        await s.CommitAsync(ctx.RequestAborted);
        return ctx.Request.Method == "DELETE" ? Results.NoContent() : Results.Text(json.ToJsonString(), "application/json");
    }

    /// <summary>Revokes a key (idempotent) in the session's transaction and forgets it in the key cache; null when it does not exist.</summary>
    internal static async Task<JsonObject?> RevokeAsync(TenantSession s, Guid keyId, AuthCache cache, CancellationToken ct)
    {
        JsonObject json;
        await using (var cmd = await s.CommandAsync($"""
            UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), updated_by = $3 WHERE organization_id = $1 AND id = $2
            RETURNING {KeyColumns}, key_hash
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(keyId);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            json = KeyJson(r);
            cache.Remove(AuthCache.KeyEntry(r.GetFieldValue<byte[]>(9)));
        }
        await AuditWriter.WriteAsync(s, "api_keys", keyId, "delete", new JsonObject { ["revoked"] = true }, ct);
        return json;
    }

    private static JsonObject KeyJson(NpgsqlDataReader r)
    {
        DateTime? T(int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
        return new JsonObject
        {
            ["id"] = r.GetGuid(0), ["name"] = r.GetString(1), ["prefix"] = r.GetString(2),
            ["scopes"] = new JsonArray(r.GetFieldValue<string[]>(3).Select(x => (JsonNode)x!).ToArray()),
            ["user_id"] = r.IsDBNull(4) ? null : r.GetGuid(4), ["expires_at"] = T(5), ["last_used_at"] = T(6), ["revoked_at"] = T(7), ["created_at"] = T(8),
        };
    }

    private static void RequireAdmin(TenantContext t)
    {
        if (!t.IsAdmin) throw ProblemException.Forbidden("Managing API keys needs the admin or owner role (or an API key with the admin scope).");
    }
}
