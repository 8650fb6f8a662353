using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Notifications;

/// <summary>
/// The generic resource routes of a per-person table (notifications, notification_preferences),
/// limited to the caller's own rows: GET /{table} lists only rows whose user_id is the caller (any
/// other user_id filter is replaced), GET/PATCH/DELETE /{table}/{id} of someone else's row is a 404,
/// admins and owners included (people's notifications are theirs). A key without a user is 403.
/// These literal routes take precedence over the generic /{table} ones.
/// </summary>
public static class OwnRowsApi
{
    public static void Map(RouteGroupBuilder api, string table)
    {
        var g = api.MapGroup("/" + table).WithTags("Notifications");
        g.MapGet("", (HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant) =>
            ListAsync(table, ctx, registry, store, sessions, tenant)).WithName($"ListOwn_{table}").WithSummary($"Your own {table} (the generic list filters, paging and order apply)");
        g.MapGet("/{id}", (string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant) =>
            OneAsync(table, id, "GET", ctx, registry, store, sessions, tenant)).WithName($"GetOwn_{table}").WithSummary($"One of your own {table}");
        g.MapPatch("/{id}", (string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant) =>
            OneAsync(table, id, "PATCH", ctx, registry, store, sessions, tenant)).WithName($"UpdateOwn_{table}").WithSummary($"Change one of your own {table}");
        g.MapDelete("/{id}", (string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant) =>
            OneAsync(table, id, "DELETE", ctx, registry, store, sessions, tenant)).WithName($"DeleteOwn_{table}").WithSummary($"Delete one of your own {table}");
    }

    private static async Task<IResult> ListAsync(string table, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        var def = registry.Find(table)!;
        ListQuery.Parse(def, ctx.Request.Query, tenant.IsAdmin); // a malformed filter (user_id too) is a 400 naming it, as on every list
        var merged = ctx.Request.Query.Where(kv => !kv.Key.StartsWith("user_id", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        merged["user_id"] = user.ToString();
        var q = ListQuery.Parse(def, new QueryCollection(merged), tenant.IsAdmin);
        await using var s = sessions.Open(tenant);
        var result = await store.ListAsync(s, def, q, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200);
    }

    private static async Task<IResult> OneAsync(string table, string id, string method, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var user = NotificationInbox.UserOf(tenant);
        var def = registry.Find(table)!;
        if (method != "GET" && !tenant.CanWrite) throw ProblemException.Forbidden($"The viewer role (or a read-only API key) cannot change {table}.");
        if (method == "GET" && ctx.Request.Query.Count > 0) throw ProblemException.BadRequest("GET of one of your rows takes no parameters.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No {ResourceRegistry.Singular(table)} with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var mine = await s.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM {ResourceColumn.Quote(table)} WHERE organization_id = $1 AND id = $2 AND user_id = $3)",
            [s.OrganizationId, guid, user], ct);
        if (!mine) throw ProblemException.NotFound($"You have no {ResourceRegistry.Singular(table)} with id {id}.");
        switch (method)
        {
            case "PATCH":
                var body = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
                var updated = await store.UpdateAsync(s, def, guid, body, ctx.Request.Headers.IfMatch.ToString(), ct);
                return new JsonBytesResult(updated.Json, 200, updated.ETag);
            case "DELETE":
                await store.DeleteAsync(s, def, guid, ctx.Request.Headers.IfMatch.ToString(), ct);
                return Results.NoContent();
            default:
                var row = await store.GetAsync(s, def, guid, [], false, ct);
                if (row.ETag is not null && ctx.Request.Headers.IfNoneMatch.ToString() == row.ETag) return Results.StatusCode(304);
                return new JsonBytesResult(row.Json, 200, row.ETag);
        }
    }
}
