using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Team.Invitations;

/// <summary>
/// The invitation lifecycle over the API (literal routes win over the generic /{table}, which keeps
/// GET /team_invitations and GET /team_invitations/{id}; the token is never returned).
/// </summary>
public static class InvitationsApi
{
    public sealed record InviteRequest(string? Email, string? Role);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/team_invitations").WithTags("Team");
        g.MapPost("/", Create).WithName("CreateTeamInvitation")
            .WithSummary("Invite someone by email as admin, member or viewer (admins and owners): emails a 7-day link, takes a seat of max_users");
        g.MapPost("/{id}/resend", Resend).WithName("ResendTeamInvitation").WithSummary("A new link and 7 more days; the old link stops working");
        g.MapPost("/{id}/revoke", Revoke).WithName("RevokeTeamInvitation").WithSummary("Withdraw a pending invitation (frees its seat)");
        g.MapDelete("/{id}", Revoke).WithName("DeleteTeamInvitation").WithSummary("Same as revoke: the row stays as revoked");
    }

    /// <summary>Links in emails start with App__PublicBaseUrl, else the origin the request came to.</summary>
    public static string LinkBase(HttpContext ctx, IConfiguration config) =>
        config["App:PublicBaseUrl"] is { Length: > 0 } b ? b.Trim().TrimEnd('/') : $"{ctx.Request.Scheme}://{ctx.Request.Host}";

    private static async Task<IResult> Create(HttpContext ctx, TenantSessions sessions, TenantContext tenant, SmtpRelay relay, IConfiguration config,
        ResourceRegistry registry, ResourceStore store)
    {
        var req = await JsonBody.ReadAsync<InviteRequest>(ctx);
        await using var s = sessions.Open(tenant);
        var id = await InviteMember.RunAsync(s, relay, LinkBase(ctx, config), req.Email, req.Role, ctx.RequestAborted);
        return await RowAsync(sessions, tenant, registry, store, id, 201, ctx.RequestAborted);
    }

    private static async Task<IResult> Resend(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, SmtpRelay relay, IConfiguration config,
        ResourceRegistry registry, ResourceStore store)
    {
        var invitationId = ParseId(id);
        await using (var s = sessions.Open(tenant))
            await ResendInvitation.RunAsync(s, relay, LinkBase(ctx, config), invitationId, ctx.RequestAborted);
        return await RowAsync(sessions, tenant, registry, store, invitationId, 200, ctx.RequestAborted);
    }

    private static async Task<IResult> Revoke(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        var invitationId = ParseId(id);
        await using (var s = sessions.Open(tenant))
            await RevokeInvitation.RunAsync(s, invitationId, ctx.RequestAborted);
        return await RowAsync(sessions, tenant, registry, store, invitationId, 200, ctx.RequestAborted);
    }

    private static async Task<IResult> RowAsync(TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store, Guid id, int status, CancellationToken ct)
    {
        await using var s = sessions.Open(tenant);
        var row = await store.GetAsync(s, registry.Find("team_invitations")!, id, [], false, ct);
        return new JsonBytesResult(row.Json, status, row.ETag, status == 201 ? $"/api/v1/team_invitations/{id}" : null);
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No invitation with id {id}.");
}
