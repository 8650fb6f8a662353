using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Http;

namespace Clientele.Platform.Resources;

/// <summary>
/// Runs one domain action (POST /api/v1/{table}/{id}/{action}, DESIGN §4) in a tenant transaction
/// and answers the row after it (with optional extra fields), or the action's problem
/// (ActionOutcome: 404, 409 naming the state, 422 naming the field). Writers only. Shared by the
/// modules' action endpoints so every action answers the same way.
/// </summary>
public sealed class ActionEndpoint(TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
{
    public async Task<IResult> RunAsync(HttpContext ctx, string table, string id, Func<TenantSession, Guid, Task<ActionOutcome>> action,
        Func<Dictionary<string, string?>>? extra = null)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden($"The viewer role (or a read-only API key) cannot change {table}.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No {ResourceRegistry.Singular(table)} with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var outcome = await action(s, guid);
        outcome.ThrowIfRefused();
        var row = await store.GetAsync(s, registry.Find(table)!, guid, [], false, ct);
        await s.CommitAsync(ct);
        if (extra is null) return new JsonBytesResult(row.Json, 200, row.ETag);
        var json = System.Text.Json.Nodes.JsonNode.Parse(row.Json)!.AsObject();
        foreach (var (k, v) in extra()) json[k] = v;
        return new JsonBytesResult(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), 200, row.ETag);
    }
}
