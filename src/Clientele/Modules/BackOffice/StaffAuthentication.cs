using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// The staff realm's own cookie scheme: cookie clientele_staff, path /admin (the browser never sends
/// it to /app or /api), 8 hours at most. /admin pages authorize with this scheme only, so a tenant's
/// session cookie or API key authenticates nobody there. Every request re-reads the admin_users row:
/// a deactivated member is out at once and a role change applies on the next click.
/// </summary>
public static class StaffAuthentication
{
    public const string Scheme = "ClienteleStaff";
    public const string CookieName = "clientele_staff";

    public static void AddStaffAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = "/admin";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = false;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.LoginPath = "/admin/login";
            o.LogoutPath = "/admin/logout";
            o.ReturnUrlParameter = "returnUrl";
            o.Events.OnValidatePrincipal = ValidateAsync;
            o.Events.OnRedirectToAccessDenied = ctx => ProblemWriter.WriteAsync(ctx.HttpContext, 403, "Forbidden", "Your staff role does not allow this.");
        });
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var claimed = StaffMember.From(ctx.Principal!, null);
        var db = ctx.HttpContext.RequestServices.GetRequiredService<AppDataSource>();
        (string Email, string Name, string Role, bool Active)? row = null;
        if (claimed is not null)
        {
            await using var cmd = db.DataSource.CreateCommand("SELECT email, full_name, admin_role, is_active FROM admin_users WHERE id = $1");
            cmd.Parameters.AddWithValue(claimed.Id);
            await using var r = await cmd.ExecuteReaderAsync(ctx.HttpContext.RequestAborted);
            if (await r.ReadAsync(ctx.HttpContext.RequestAborted)) row = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3));
        }
        if (claimed is null || row is not { Active: true } now)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        ctx.ReplacePrincipal(StaffMember.Principal(claimed.Id, now.Email, now.Name, now.Role));
        ctx.ShouldRenew = false;
    }
}
