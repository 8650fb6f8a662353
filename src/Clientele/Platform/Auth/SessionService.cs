using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using NpgsqlTypes;

namespace Clientele.Platform.Auth;

/// <summary>
/// Browser sessions (docs/security.md): a user_sessions row per sign-in, the cookie carries only
/// its id, and every request asks the row (through <see cref="AuthCache"/>) whether it still
/// stands. This is the one place that signs people in and out: the JSON login endpoint and the
/// console's /login page both call <see cref="PasswordSignInAsync"/> and <see cref="SignOutAsync"/>.
/// </summary>
public sealed class SessionService(AppDataSource db, TenantSessions sessions, AuthCache cache, IConfiguration config, TimeProvider clock)
{
    /// <summary>The cookie scheme (name kept stable: "Cookies", cookie clientele_session).</summary>
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SessionClaim = "sid";
    /// <summary>On a session platform staff opened as this user (back office, docs/admin.md): the staff member's id; the role is capped at viewer.</summary>
    public const string ViewedByClaim = "viewed_by";

    public enum Outcome { SignedIn, WrongCredentials, LockedOut }

    public sealed record LoginResult(Outcome Outcome, Guid UserId = default, Guid OrganizationId = default, string? Role = null,
        Guid SessionId = default, TimeSpan? RetryAfter = null)
    {
        public bool Succeeded => Outcome == Outcome.SignedIn;
    }

    public sealed record VerifiedUser(Guid UserId, Guid OrganizationId, string Role);

    internal static readonly PasswordHasher<object> Hasher = new();
    // Hashed once so that unknown emails cost one full verification too (no timing oracle).
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new object(), RandomNumberGenerator.GetHexString(32)));

    public TimeSpan IdleTimeout => TimeSpan.FromHours(config.GetValue("Auth:SessionIdleHours", 12.0));
    public TimeSpan MaxLifetime => TimeSpan.FromDays(config.GetValue("Auth:SessionMaxDays", 7.0));

    public static string HashPassword(Guid userId, string password) => Hasher.HashPassword(userId, password);

    /// <summary>
    /// Checks email and password with the same work for unknown, inactive and known accounts, and
    /// the per-account lockout (exponential backoff after Auth:LockoutThreshold failures).
    /// </summary>
    public async Task<(VerifiedUser? User, TimeSpan? LockedFor)> VerifyPasswordAsync(string email, string password, CancellationToken ct)
    {
        var emailKey = SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant()));
        await using (var locked = db.DataSource.CreateCommand("SELECT clientele_login_locked_until($1)"))
        {
            locked.Parameters.Add(new Npgsql.NpgsqlParameter { Value = emailKey, NpgsqlDbType = NpgsqlDbType.Bytea });
            if (await locked.ExecuteScalarAsync(ct) is DateTime until) return (null, RetryAfter(until));
        }
        Guid userId = default, orgId = default;
        string? hash = null, role = null;
        var active = false;
        await using (var cmd = db.DataSource.CreateCommand("SELECT user_id, organization_id, password_hash, role, is_active FROM clientele_find_login($1)"))
        {
            cmd.Parameters.AddWithValue(email.Trim());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
            {
                userId = r.GetGuid(0); orgId = r.GetGuid(1); hash = r.IsDBNull(2) ? null : r.GetString(2); role = r.GetString(3); active = r.GetBoolean(4);
            }
        }
        var verified = Hasher.VerifyHashedPassword(userId, hash ?? DummyHash.Value, password) != PasswordVerificationResult.Failed;
        if (verified && hash is not null && active)
        {
            await using var ok = db.DataSource.CreateCommand("SELECT clientele_login_succeeded($1)");
            ok.Parameters.Add(new Npgsql.NpgsqlParameter { Value = emailKey, NpgsqlDbType = NpgsqlDbType.Bytea });
            await ok.ExecuteNonQueryAsync(ct);
            return (new VerifiedUser(userId, orgId, role!), null);
        }
        await using var failed = db.DataSource.CreateCommand("SELECT clientele_login_failed($1, $2, $3, $4)");
        failed.Parameters.Add(new Npgsql.NpgsqlParameter { Value = emailKey, NpgsqlDbType = NpgsqlDbType.Bytea });
        failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutThreshold", 5));
        failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutBaseSeconds", 30));
        failed.Parameters.AddWithValue(config.GetValue("Auth:LockoutMaxSeconds", 900));
        await failed.ExecuteNonQueryAsync(ct);
        return (null, null);
    }

    private TimeSpan RetryAfter(DateTime until)
    {
        var left = DateTime.SpecifyKind(until, DateTimeKind.Utc) - clock.GetUtcNow().UtcDateTime;
        return left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1);
    }

    /// <summary>Email + password → session row + cookie, audited as a login. Console and API both call this.</summary>
    public async Task<LoginResult> PasswordSignInAsync(HttpContext ctx, string email, string password)
    {
        var (user, lockedFor) = await VerifyPasswordAsync(email, password, ctx.RequestAborted);
        if (lockedFor is not null) return new LoginResult(Outcome.LockedOut, RetryAfter: lockedFor);
        if (user is null) return new LoginResult(Outcome.WrongCredentials);
        var sessionId = await SignInAsync(ctx, user);
        return new LoginResult(Outcome.SignedIn, user.UserId, user.OrganizationId, user.Role, sessionId);
    }

    /// <summary>Creates the session row (audited as a login, last_login_at set) and issues the cookie.</summary>
    public async Task<Guid> SignInAsync(HttpContext ctx, VerifiedUser user)
    {
        var tenant = new TenantContext { OrganizationId = user.OrganizationId, UserId = user.UserId, Role = user.Role, ActorType = "user" };
        AuthenticationSetup.Fill(tenant, ctx);
        var sessionId = Guid.CreateVersion7();
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var s = sessions.Open(tenant))
        {
            await using (var cmd = await s.CommandAsync("""
                INSERT INTO user_sessions (id, organization_id, user_id, expires_at, ip_address, user_agent) VALUES ($1, $2, $3, $4, $5, $6)
                """, ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(sessionId);
                cmd.Parameters.AddWithValue(user.OrganizationId);
                cmd.Parameters.AddWithValue(user.UserId);
                cmd.Parameters.AddWithValue(now + (IdleTimeout < MaxLifetime ? IdleTimeout : MaxLifetime));
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.IpAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.UserAgent?[..Math.Min(tenant.UserAgent.Length, 1000)] ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await using (var cmd = await s.CommandAsync("UPDATE users SET last_login_at = now(), last_active_at = now() WHERE id = $1", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(user.UserId);
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await AuditWriter.WriteAsync(s, "users", user.UserId, "login", null, ctx.RequestAborted);
            await ActivityFeed.WriteAsync(s, "user.signed_in", "users", user.UserId, null, null, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
        }
        var facts = new CredentialFacts(user.OrganizationId, user.UserId, null, sessionId, user.Role, null, true);
        await ctx.SignInAsync(Scheme, Principal(facts), new AuthenticationProperties { IsPersistent = false });
        return sessionId;
    }

    /// <summary>Revokes the current session row (on every node) and deletes the cookie.</summary>
    public async Task SignOutAsync(HttpContext ctx, TenantContext tenant)
    {
        if (Guid.TryParse(ctx.User.FindFirst(SessionClaim)?.Value, out var sessionId) && tenant.IsSet)
        {
            await using var s = sessions.Open(tenant);
            await using (var cmd = await s.CommandAsync(
                "UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(sessionId);
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await AuditWriter.WriteAsync(s, "users", tenant.UserId, "logout", null, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
            cache.Remove(AuthCache.SessionEntry(sessionId));
        }
        await ctx.SignOutAsync(Scheme);
    }

    /// <summary>Cookie event: the session row (cached for seconds, dropped by NOTIFY) decides on every request.</summary>
    public async Task ValidatePrincipalAsync(CookieValidatePrincipalContext ctx)
    {
        if (!Guid.TryParse(ctx.Principal?.FindFirst(SessionClaim)?.Value, out var sessionId))
        {
            ctx.RejectPrincipal(); // a cookie from before server-side sessions: sign in again
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var facts = await LookupAsync(sessionId, ctx.HttpContext.RequestAborted);
        if (facts is null || !facts.IsValidAt(clock.GetUtcNow().UtcDateTime))
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var principal = Principal(facts); // the role is the user's role now, not at sign-in
        if (ctx.Principal!.FindFirst(ViewedByClaim)?.Value is { } staff) principal = ReadOnlyView(principal, staff);
        ctx.ReplacePrincipal(principal);
        ctx.ShouldRenew = false;
    }

    /// <summary>
    /// A read-only session as a user for platform staff (the back office's "view as"): a user_sessions
    /// row like any other (revocable), the viewer role whatever the user's own, and a cookie that
    /// ends after <paramref name="lifetime"/>. No sign-in is recorded for the user; the caller audits
    /// it and tells the organization (BackOffice StaffViewAs).
    /// </summary>
    public async Task<Guid> StartStaffViewAsync(HttpContext ctx, Guid organizationId, Guid userId, Guid staffId, TimeSpan lifetime)
    {
        var tenant = new TenantContext
        {
            OrganizationId = organizationId, UserId = userId, Role = Roles.Viewer, ActorType = "user",
            IpAddress = ctx.Connection.RemoteIpAddress?.ToString(),
        };
        var sessionId = Guid.CreateVersion7();
        await using (var s = sessions.Open(tenant))
        {
            await using (var cmd = await s.CommandAsync(
                "INSERT INTO user_sessions (id, organization_id, user_id, expires_at, ip_address, user_agent) VALUES ($1, $2, $3, $4, $5, 'Clientele staff view (read-only)')", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(sessionId);
                cmd.Parameters.AddWithValue(organizationId);
                cmd.Parameters.AddWithValue(userId);
                cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime + lifetime);
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = (object?)tenant.IpAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await s.CommitAsync(ctx.RequestAborted);
        }
        var facts = new CredentialFacts(organizationId, userId, null, sessionId, Roles.Viewer, null, true);
        await ctx.SignInAsync(Scheme, ReadOnlyView(Principal(facts), staffId.ToString()),
            new AuthenticationProperties { IsPersistent = false, AllowRefresh = false, ExpiresUtc = clock.GetUtcNow() + lifetime });
        return sessionId;
    }

    private static ClaimsPrincipal ReadOnlyView(ClaimsPrincipal user, string staffId) => new(new ClaimsIdentity(
        user.Claims.Where(c => c.Type != ClaimNames.Role).Append(new Claim(ClaimNames.Role, Roles.Viewer)).Append(new Claim(ViewedByClaim, staffId)),
        Scheme, ClaimNames.User, ClaimNames.Role));

    public async Task<CredentialFacts?> LookupAsync(Guid sessionId, CancellationToken ct)
    {
        var entry = AuthCache.SessionEntry(sessionId);
        if (cache.TryGet(entry, out var facts)) return facts;
        await using var cmd = db.DataSource.CreateCommand(
            "SELECT organization_id, user_id, role, user_active, expires_at, revoked FROM clientele_authenticate_session($1, $2, $3)");
        cmd.Parameters.AddWithValue(sessionId);
        cmd.Parameters.AddWithValue(IdleTimeout);
        cmd.Parameters.AddWithValue(MaxLifetime);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        facts = await r.ReadAsync(ct)
            ? new CredentialFacts(r.GetGuid(0), r.GetGuid(1), null, sessionId, r.GetString(2),
                DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc), r.GetBoolean(3) && !r.GetBoolean(5))
            : null;
        cache.Set(entry, facts);
        return facts;
    }

    private static ClaimsPrincipal Principal(CredentialFacts f) => new(new ClaimsIdentity([
        new Claim(ClaimNames.User, f.UserId.ToString()!), new Claim(ClaimNames.Organization, f.OrganizationId.ToString()),
        new Claim(ClaimNames.Role, f.Role), new Claim(ClaimNames.Actor, "user"), new Claim(SessionClaim, f.SessionId.ToString()!)],
        Scheme, ClaimNames.User, ClaimNames.Role));
}
