using System.Security.Claims;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Auth;

/// <summary>
/// The console's email + password sign-in on the session cookie (same claims, audit entries and
/// last_login_at as POST /api/v1/auth/login). Returns null when the email or password is wrong or
/// the user is inactive; callers say so without telling which.
/// </summary>
public static class PasswordSignIn
{
    private static readonly PasswordHasher<object> Hasher = new();

    public sealed record Identity(Guid UserId, Guid OrganizationId, string Role);

    public static async Task<Identity?> VerifyAsync(HttpContext ctx, string email, string password)
    {
        var app = ctx.RequestServices.GetRequiredService<AppDataSource>();
        await using var cmd = app.DataSource.CreateCommand("SELECT user_id, organization_id, password_hash, role, is_active FROM clientele_find_login($1)");
        cmd.Parameters.AddWithValue(email.Trim());
        await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
        if (!await r.ReadAsync(ctx.RequestAborted)) return null;
        var userId = r.GetGuid(0);
        var hash = r.IsDBNull(2) ? null : r.GetString(2);
        var ok = hash is not null && r.GetBoolean(4) && Hasher.VerifyHashedPassword(userId, hash, password) != PasswordVerificationResult.Failed;
        return ok ? new Identity(userId, r.GetGuid(1), r.GetString(3)) : null;
    }

    public static async Task SignInAsync(HttpContext ctx, Identity who)
    {
        var tenant = new TenantContext { OrganizationId = who.OrganizationId, UserId = who.UserId, Role = who.Role, ActorType = "user" };
        AuthenticationSetup.Fill(tenant, ctx);
        await using (var s = ctx.RequestServices.GetRequiredService<TenantSessions>().Open(tenant))
        {
            await using (var cmd = await s.CommandAsync("UPDATE users SET last_login_at = now(), last_active_at = now() WHERE id = $1", ctx.RequestAborted))
            {
                cmd.Parameters.AddWithValue(who.UserId);
                await cmd.ExecuteNonQueryAsync(ctx.RequestAborted);
            }
            await AuditWriter.WriteAsync(s, "users", who.UserId, "login", null, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
        }
        var identity = new ClaimsIdentity([
            new Claim(ClaimNames.User, who.UserId.ToString()), new Claim(ClaimNames.Organization, who.OrganizationId.ToString()),
            new Claim(ClaimNames.Role, who.Role), new Claim(ClaimNames.Actor, "user")], CookieAuthenticationDefaults.AuthenticationScheme, ClaimNames.User, ClaimNames.Role);
        await ctx.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }

    public static async Task SignOutAsync(HttpContext ctx, TenantContext tenant)
    {
        if (tenant.IsSet)
        {
            await using var s = ctx.RequestServices.GetRequiredService<TenantSessions>().Open(tenant);
            await AuditWriter.WriteAsync(s, "users", tenant.UserId, "logout", null, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
        }
        await ctx.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
