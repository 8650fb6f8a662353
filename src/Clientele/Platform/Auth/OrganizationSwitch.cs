using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Auth;

/// <summary>
/// One login, several organizations (migration 0116): the person has one users row per organization
/// (same address, same password), so every organization keeps its own role and RLS. Signing in opens
/// the organization used last; switching ends the current session and opens one as the person's row
/// in the other organization. Only for console/API sessions: an API key belongs to one organization.
/// GET /api/v1/auth/organizations and POST /api/v1/auth/switch {organization_id}; the console's user
/// menu posts to /app/switch-organization.
/// </summary>
public sealed class OrganizationSwitch(TenantSessions tenantSessions, SessionService sessions, AuthCache cache)
{
    public sealed record Membership(Guid OrganizationId, string Name, Guid UserId, string Role);

    /// <summary>The organizations the caller's login belongs to (active rows), by the caller's own user id.</summary>
    public static Task<List<Membership>> ListAsync(TenantSession s, Guid userId, CancellationToken ct) =>
        s.ReadListAsync("SELECT organization_id, organization_name, user_id, role FROM clientele_login_organizations($1)", [userId],
            r => new Membership(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3)), ct);

    /// <summary>Ends this session and opens one in the other organization; null when the login has no active membership there.</summary>
    public async Task<Membership?> SwitchAsync(HttpContext ctx, TenantContext tenant, Guid organizationId)
    {
        var ct = ctx.RequestAborted;
        if (tenant.UserId is not { } me || tenant.ApiKeyId is not null || !Guid.TryParse(ctx.User.FindFirst(SessionService.SessionClaim)?.Value, out var sessionId))
            throw ProblemException.Forbidden("Switching organizations needs a signed-in session: an API key belongs to one organization.");
        if (ctx.User.FindFirst(SessionService.ViewedByClaim) is not null)
            throw ProblemException.Forbidden("A staff view of an organization cannot switch to another one.");
        Membership? target;
        await using (var s = tenantSessions.Open(tenant))
        {
            target = (await ListAsync(s, me, ct)).FirstOrDefault(m => m.OrganizationId == organizationId);
            if (target is null) return null;
            if (target.OrganizationId == tenant.OrganizationId) return target;
            await s.ExecuteAsync("UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'switched organization' WHERE id = $1 AND revoked_at IS NULL", [sessionId], ct);
            await AuditWriter.WriteAsync(s, "users", me, "logout", new JsonObject { ["switched_to_organization_id"] = organizationId.ToString() }, ct);
            await s.CommitAsync(ct);
        }
        cache.Remove(AuthCache.SessionEntry(sessionId));
        // SignInAsync fills its tenant from the request's principal (the old organization): this request is signed out from here on.
        ctx.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        await sessions.SignInAsync(ctx, new SessionService.VerifiedUser(target.UserId, target.OrganizationId, target.Role));
        return target;
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/auth/organizations", List).WithTags("Auth").WithName("LoginOrganizations")
            .WithSummary("The organizations your login belongs to (one users row each, same address and password), the current one marked");
        api.MapPost("/auth/switch", Switch).WithTags("Auth").WithName("SwitchOrganization")
            .WithSummary("Sessions only: end this session and open one in another organization of your login {organization_id}; 404 when you are not a member there");
    }

    public sealed record SwitchRequest(Guid? OrganizationId);

    private static async Task<IResult> List(HttpContext ctx, TenantContext tenant, TenantSessions sessions)
    {
        if (tenant.UserId is not { } me) throw ProblemException.Forbidden("Organizations belong to a login: use a session or a user's API key.");
        await using var s = sessions.Open(tenant);
        var list = await ListAsync(s, me, ctx.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["data"] = new JsonArray(list.Select(m => (JsonNode)new JsonObject
            {
                ["organization_id"] = m.OrganizationId.ToString(), ["name"] = m.Name, ["user_id"] = m.UserId.ToString(), ["role"] = m.Role,
                ["current"] = m.OrganizationId == tenant.OrganizationId,
            }).ToArray()),
        });
    }

    private static async Task<IResult> Switch(HttpContext ctx, TenantContext tenant, OrganizationSwitch switcher)
    {
        var req = await Http.JsonBody.ReadAsync<SwitchRequest>(ctx);
        if (req.OrganizationId is not { } org) throw ProblemException.Validation("organization_id", "is required");
        var target = await switcher.SwitchAsync(ctx, tenant, org) ?? throw ProblemException.NotFound($"Your login is not a member of organization {org}.");
        return Results.Json(new JsonObject { ["organization_id"] = target.OrganizationId.ToString(), ["name"] = target.Name, ["user_id"] = target.UserId.ToString(), ["role"] = target.Role });
    }
}
