using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Sales;

/// <summary>
/// The audit entry and domain events of a row the sales actions changed with their own SQL: the
/// same "{table}.updated" (and the catalogue's named events) a PATCH through the resource API gives.
/// </summary>
public static class SalesRows
{
    /// <summary>The row as the transaction sees it (organization_id left out), or null.</summary>
    public static async Task<JsonObject?> ReadAsync(TenantSession s, string table, Guid id, CancellationToken ct, bool forUpdate = false) =>
        await s.ScalarAsync<string>($"SELECT (to_jsonb(t) - 'organization_id')::text FROM \"{table}\" t WHERE t.organization_id = $1 AND t.id = $2{(forUpdate ? " FOR UPDATE" : "")}",
            [s.OrganizationId, id], ct) is { } json ? JsonNode.Parse(json)!.AsObject() : null;

    public static async Task UpdatedAsync(TenantSession s, string table, Guid id, JsonObject before, CancellationToken ct, params string[] named)
    {
        var after = await ReadAsync(s, table, id, ct) ?? throw new InvalidOperationException($"{table} {id} vanished in its own transaction");
        var diff = AuditWriter.Diff(before, after);
        var previous = diff["before"]!.AsObject();
        if (previous.Count == 0) return;
        await AuditWriter.WriteAsync(s, table, id, "update", diff, ct);
        await DomainEvents.PublishChangeAsync(s, table, "updated", id, after, previous.DeepClone().AsObject(), ct);
        if (named.Length > 0) await DomainEvents.PublishRowAsync(s, table, id, ct, previous, named);
    }

    public static async Task CreatedAsync(TenantSession s, string table, Guid id, CancellationToken ct, params string[] named)
    {
        var after = await ReadAsync(s, table, id, ct) ?? throw new InvalidOperationException($"{table} {id} vanished in its own transaction");
        await AuditWriter.WriteAsync(s, table, id, "create", new JsonObject { ["after"] = after.DeepClone() }, ct);
        await DomainEvents.PublishChangeAsync(s, table, "created", id, after, null, ct);
        if (named.Length > 0) await DomainEvents.PublishRowAsync(s, table, id, ct, null, named);
    }
}
