using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Resources;

/// <summary>
/// /api/v1/{table}: list, get, create, patch, delete for every registered tenant table
/// (DESIGN §4). Module endpoints with literal paths take precedence over these routes.
/// A list is CSV with GET /api/v1/{table}.csv or Accept: text/csv (ResourceCsv).
/// </summary>
public static class ResourceApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/").WithTags("Resources");
        g.MapGet("/{table}", List).WithName("ListResource");
        g.MapPost("/{table}", Create).WithName("CreateResource");
        g.MapGet("/{table}/{id}", Get).WithName("GetResource");
        g.MapPatch("/{table}/{id}", Patch).WithName("UpdateResource");
        g.MapDelete("/{table}/{id}", Delete).WithName("DeleteResource");
    }

    private static ResourceDefinition Resolve(ResourceRegistry registry, string table) =>
        registry.Find(table) ?? throw ProblemException.NotFound($"There is no resource '{table}'. GET /openapi/v1.json lists them.");

    private static Guid ParseId(ResourceDefinition def, string id) =>
        Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No {ResourceRegistry.Singular(def.Table)} with id {id}.");

    private static void CheckWrite(ResourceDefinition def, TenantContext t, string verb)
    {
        var allowed = verb switch { "POST" => def.CanCreate, "PATCH" => def.CanUpdate, _ => def.CanDelete };
        if (!allowed)
            throw new ProblemException(405, "Method not allowed", def.ReadOnly || !(def.CanCreate || def.CanUpdate || def.CanDelete)
                ? $"{def.Table} is read-only: {verb} is not allowed."
                : $"{def.Table} is append-only: {verb} is not allowed.");
        if (!t.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (def.AdminWrites && !t.IsAdmin) throw ProblemException.Forbidden($"Changing {def.Table} needs the admin or owner role.");
    }

    private static async Task<IResult> List(string table, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var csv = ResourceCsv.Wanted(ctx.Request, ref table);
        var def = Resolve(registry, table);
        if (csv)
        {
            await using var cs = sessions.Open(tenant);
            await ResourceCsv.WriteAsync(ctx, def, store, cs, tenant.IsAdmin);
            return Results.Empty;
        }
        var q = ListQuery.Parse(def, ctx.Request.Query, tenant.IsAdmin);
        await using var s = sessions.Open(tenant);
        var result = await store.ListAsync(s, def, q, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200);
    }

    private static async Task<IResult> Get(string table, string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var def = Resolve(registry, table);
        var guid = ParseId(def, id);
        var q = ListQuery.Parse(def, FilterOnly(ctx.Request.Query, "include", "include_deleted"), tenant.IsAdmin);
        await using var s = sessions.Open(tenant);
        var result = await store.GetAsync(s, def, guid, q.Includes, q.IncludeDeleted, ctx.RequestAborted);
        if (result.ETag is not null && ctx.Request.Headers.IfNoneMatch.ToString() == result.ETag)
            return Results.StatusCode(304);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Create(string table, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var def = Resolve(registry, table);
        CheckWrite(def, tenant, "POST");
        var body = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
        await using var s = sessions.Open(tenant);
        var result = await store.CreateAsync(s, def, body, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/{def.Table}/{result.Id}");
    }

    private static async Task<IResult> Patch(string table, string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var def = Resolve(registry, table);
        CheckWrite(def, tenant, "PATCH");
        var guid = ParseId(def, id);
        var body = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
        await using var s = sessions.Open(tenant);
        var result = await store.UpdateAsync(s, def, guid, body, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Delete(string table, string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var def = Resolve(registry, table);
        CheckWrite(def, tenant, "DELETE");
        var guid = ParseId(def, id);
        await using var s = sessions.Open(tenant);
        await store.DeleteAsync(s, def, guid, ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        return Results.NoContent();
    }

    private static QueryCollection FilterOnly(IQueryCollection q, params string[] allowed)
    {
        var unknown = q.Keys.Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw ProblemException.BadRequest($"GET of one row takes only {string.Join(" and ", allowed)}.",
                unknown.ToDictionary(k => k, _ => new[] { "is not a parameter of this endpoint" }));
        return new QueryCollection(q.ToDictionary(kv => kv.Key, kv => kv.Value));
    }
}

/// <summary>Pre-serialized JSON with optional ETag and Location.</summary>
public sealed class JsonBytesResult(byte[] json, int status, string? etag = null, string? location = null) : IResult
{
    public async Task ExecuteAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        ctx.Response.ContentLength = json.Length;
        if (etag is not null) ctx.Response.Headers.ETag = etag;
        if (location is not null) ctx.Response.Headers.Location = location;
        await ctx.Response.Body.WriteAsync(json, ctx.RequestAborted);
    }
}
