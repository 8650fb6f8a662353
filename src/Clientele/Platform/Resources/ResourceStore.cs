using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Resources;

/// <summary>A JSON response body with its ETag (single rows) and id (creates).</summary>
public sealed record ResourceResult(byte[] Json, string? ETag, Guid? Id);

/// <summary>
/// The generic resource operations over any registered table: SQL built from the resource's
/// metadata, rows streamed to JSON, writes audited in the same transaction.
/// </summary>
public sealed class ResourceStore(ResourceRegistry registry, BodyBinder binder)
{
    private const int MaxIncludedRows = 1000;

    /// <summary>Audit columns that are foreign keys to users (agents/qbrs/automations.created_by): only a user may be written there.</summary>
    private readonly HashSet<(string Table, string Column)> _userReferences =
        registry.Catalog.ForeignKeys.Where(fk => fk.RefTable == "users").Select(fk => (fk.Table, fk.Column)).ToHashSet();

    /// <summary>
    /// Who goes into created_by / updated_by / deleted_by: the actor (user, or API key without a user),
    /// except where the column references users, where a key without a user leaves it empty.
    /// </summary>
    private Guid? Actor(TenantSession s, ResourceDefinition def, string column) =>
        _userReferences.Contains((def.Table, column)) ? s.Tenant.UserId : s.Tenant.ActorId;

    public async Task<ResourceResult> ListAsync(TenantSession s, ResourceDefinition def, ListQuery q, CancellationToken ct)
    {
        var (sql, ps) = q.ToSql(def, s.OrganizationId);
        var rows = new List<object?[]>(q.Limit + 1);
        await using (var r = await s.ReadAsync(sql, ps, ct))
        {
            while (await r.ReadAsync(ct)) rows.Add(RowJson.Read(r, def.Output));
        }
        var hasMore = rows.Count > q.Limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var included = await LoadIncludesAsync(s, def, rows, q.Includes, ct);

        var buffer = new ArrayBufferWriter<byte>(4096);
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var row in rows) WriteRow(w, def, row, included);
            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            if (hasMore)
            {
                var last = rows[^1];
                var orderIndex = IndexOf(def, q.OrderBy.Name);
                w.WriteString("next_cursor", q.NextCursor(RowJson.ToText(last[orderIndex]), (Guid)last[IndexOf(def, "id")]!));
            }
            else w.WriteNull("next_cursor");
            w.WriteEndObject();
        }
        return new ResourceResult(buffer.WrittenSpan.ToArray(), null, null);
    }

    /// <summary>
    /// A list envelope for a custom query over one resource: `where` and `orderBy` are SQL over the
    /// resource's own columns ($1 is the organization), at most `limit` rows (has_more says if cut).
    /// </summary>
    public async Task<ResourceResult> QueryAsync(TenantSession s, ResourceDefinition def, string where, IReadOnlyList<NpgsqlParameter> parameters, string orderBy, int limit, CancellationToken ct)
    {
        var sql = $"SELECT {def.SelectList} FROM {ResourceColumn.Quote(def.Table)} WHERE organization_id = $1" +
                  (def.SoftDelete ? " AND deleted_at IS NULL" : "") + $" AND ({where}) ORDER BY {orderBy} LIMIT {limit + 1}";
        var rows = new List<object?[]>();
        await using (var r = await s.ReadAsync(sql, [Uuid(s.OrganizationId), .. parameters], ct))
        {
            while (await r.ReadAsync(ct)) rows.Add(RowJson.Read(r, def.Output));
        }
        var hasMore = rows.Count > limit;
        if (hasMore) rows.RemoveAt(rows.Count - 1);
        var buffer = new ArrayBufferWriter<byte>(4096);
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var row in rows) WriteRow(w, def, row, []);
            w.WriteEndArray();
            w.WriteBoolean("has_more", hasMore);
            w.WriteNull("next_cursor");
            w.WriteEndObject();
        }
        return new ResourceResult(buffer.WrittenSpan.ToArray(), null, null);
    }

    public async Task<bool> ExistsAsync(TenantSession s, ResourceDefinition def, Guid id, CancellationToken ct) =>
        await FindAsync(s, def, id, includeDeleted: false, forUpdate: false, ct) is not null;

    public async Task<ResourceResult> GetAsync(TenantSession s, ResourceDefinition def, Guid id, IReadOnlyList<string> includes, bool includeDeleted, CancellationToken ct)
    {
        var row = await FindAsync(s, def, id, includeDeleted, forUpdate: false, ct) ?? throw ProblemException.NotFound($"No {ResourceRegistry.Singular(def.Table)} with id {id}.");
        var json = RowJson.ToBytes(row, def.Output);
        var etag = ETagOf(json);
        if (includes.Count == 0) return new ResourceResult(json, etag, id);
        var included = await LoadIncludesAsync(s, def, [row], includes, ct);
        var buffer = new ArrayBufferWriter<byte>(4096);
        await using (var w = new Utf8JsonWriter(buffer)) WriteRow(w, def, row, included);
        return new ResourceResult(buffer.WrittenSpan.ToArray(), etag, id);
    }

    /// <param name="serverValues">Columns the server sets beside the body (e.g. users.password_hash from a write-only password).</param>
    public async Task<ResourceResult> CreateAsync(TenantSession s, ResourceDefinition def, JsonElement body, CancellationToken ct,
        IReadOnlyList<(string Column, object Value)>? serverValues = null, bool commit = true)
    {
        var values = binder.Bind(def, body, create: true);
        var id = Guid.CreateVersion7();
        var cols = new List<string> { "id", "organization_id" };
        var ps = new List<NpgsqlParameter> { Uuid(id), Uuid(s.OrganizationId) };
        if (def.HasCreatedBy) { cols.Add("created_by"); ps.Add(Uuid(Actor(s, def, "created_by"))); }
        if (def.HasUpdatedBy) { cols.Add("updated_by"); ps.Add(Uuid(Actor(s, def, "updated_by"))); }
        var placeholders = Enumerable.Range(1, ps.Count).Select(i => "$" + i).ToList();
        foreach (var (col, value) in values)
        {
            cols.Add(col.Name);
            ps.Add(Param(col, value));
            placeholders.Add("$" + ps.Count + Cast(col));
        }
        foreach (var (column, value) in serverValues ?? [])
        {
            cols.Add(column);
            ps.Add(new NpgsqlParameter { Value = value });
            placeholders.Add("$" + ps.Count);
        }
        var sql = $"INSERT INTO {ResourceColumn.Quote(def.Table)} ({string.Join(", ", cols.Select(ResourceColumn.Quote))}) " +
                  $"VALUES ({string.Join(", ", placeholders)}) RETURNING {def.SelectList}";
        await s.BeginAsync(ct);
        var row = await SingleAsync(s, def, sql, ps, ct) ?? throw new InvalidOperationException("INSERT returned no row");
        var json = RowJson.ToBytes(row, def.Output);
        await AuditWriter.WriteAsync(s, def.Table, id, "create", new JsonObject { ["after"] = JsonNode.Parse(json) }, ct);
        await ActivityFeed.RecordAsync(s, def.Table, id, "created", JsonNode.Parse(json) as JsonObject, ct);
        await DomainEvents.PublishChangeAsync(s, def.Table, "created", id, JsonNode.Parse(json)!.AsObject(), null, ct);
        if (commit) await s.CommitAsync(ct);
        return new ResourceResult(json, ETagOf(json), id);
    }

    public async Task<ResourceResult> UpdateAsync(TenantSession s, ResourceDefinition def, Guid id, JsonElement body, string? ifMatch, CancellationToken ct,
        IReadOnlyList<(string Column, object Value)>? serverValues = null, bool commit = true)
    {
        var values = binder.Bind(def, body, create: false);
        await s.BeginAsync(ct);
        var before = await FindAsync(s, def, id, includeDeleted: false, forUpdate: true, ct)
            ?? throw ProblemException.NotFound($"No {ResourceRegistry.Singular(def.Table)} with id {id}.");
        var beforeJson = RowJson.ToBytes(before, def.Output);
        CheckIfMatch(ifMatch, ETagOf(beforeJson));
        if (values.Count == 0 && serverValues is not { Count: > 0 }) return new ResourceResult(beforeJson, ETagOf(beforeJson), id);

        var ps = new List<NpgsqlParameter> { Uuid(s.OrganizationId), Uuid(id) };
        var sets = new List<string>();
        foreach (var (col, value) in values)
        {
            ps.Add(Param(col, value));
            sets.Add($"{ResourceColumn.Quote(col.Name)} = ${ps.Count}{Cast(col)}");
        }
        foreach (var (column, value) in serverValues ?? [])
        {
            ps.Add(new NpgsqlParameter { Value = value });
            sets.Add($"{ResourceColumn.Quote(column)} = ${ps.Count}");
        }
        if (def.HasUpdatedBy) { ps.Add(Uuid(Actor(s, def, "updated_by"))); sets.Add($"updated_by = ${ps.Count}"); }
        var sql = $"UPDATE {ResourceColumn.Quote(def.Table)} SET {string.Join(", ", sets)} WHERE organization_id = $1 AND id = $2 RETURNING {def.SelectList}";
        var row = await SingleAsync(s, def, sql, ps, ct) ?? throw ProblemException.NotFound();
        var json = RowJson.ToBytes(row, def.Output);
        var diff = AuditWriter.Diff(JsonNode.Parse(beforeJson)!.AsObject(), JsonNode.Parse(json)!.AsObject());
        await AuditWriter.WriteAsync(s, def.Table, id, "update", diff, ct);
        await ActivityFeed.RecordAsync(s, def.Table, id, "updated", JsonNode.Parse(json) as JsonObject, ct);
        if (diff["before"]!.AsObject().Count > 0)
            await DomainEvents.PublishChangeAsync(s, def.Table, "updated", id, JsonNode.Parse(json)!.AsObject(), diff["before"]!.AsObject().DeepClone().AsObject(), ct);
        if (commit) await s.CommitAsync(ct);
        return new ResourceResult(json, ETagOf(json), id);
    }

    public async Task DeleteAsync(TenantSession s, ResourceDefinition def, Guid id, string? ifMatch, CancellationToken ct)
    {
        await s.BeginAsync(ct);
        // FOR UPDATE needs the UPDATE grant: rows of append-only tables (analytics_events) cannot
        // change under the If-Match check anyway, so they are read without the lock.
        var before = await FindAsync(s, def, id, includeDeleted: false, forUpdate: def.CanUpdate, ct)
            ?? throw ProblemException.NotFound($"No {ResourceRegistry.Singular(def.Table)} with id {id}.");
        var beforeJson = RowJson.ToBytes(before, def.Output);
        CheckIfMatch(ifMatch, ETagOf(beforeJson));
        var ps = new List<NpgsqlParameter> { Uuid(s.OrganizationId), Uuid(id) };
        string sql;
        if (def.SoftDelete)
        {
            var by = "";
            if (def.ByName.ContainsKey("deleted_by")) { ps.Add(Uuid(Actor(s, def, "deleted_by"))); by = $", deleted_by = ${ps.Count}"; }
            sql = $"UPDATE {ResourceColumn.Quote(def.Table)} SET deleted_at = now(){by} WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL";
        }
        else sql = $"DELETE FROM {ResourceColumn.Quote(def.Table)} WHERE organization_id = $1 AND id = $2";
        await using (var cmd = await s.CommandAsync(sql, ct))
        {
            cmd.Parameters.AddRange(ps.ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await AuditWriter.WriteAsync(s, def.Table, id, "delete", new JsonObject { ["before"] = JsonNode.Parse(beforeJson), ["soft"] = def.SoftDelete }, ct);
        await ActivityFeed.RecordAsync(s, def.Table, id, "deleted", JsonNode.Parse(beforeJson) as JsonObject, ct);
        await DomainEvents.PublishChangeAsync(s, def.Table, "deleted", id, JsonNode.Parse(beforeJson)!.AsObject(), null, ct);
        await s.CommitAsync(ct);
    }

    public static string ETagOf(byte[] json) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(json), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";

    private static void CheckIfMatch(string? ifMatch, string current)
    {
        if (string.IsNullOrEmpty(ifMatch) || ifMatch.Trim() == "*") return;
        var tags = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (!tags.Contains(current, StringComparer.Ordinal))
            throw new ProblemException(412, "Precondition failed", $"The row changed since you read it (If-Match {ifMatch} ≠ current ETag {current}). Read it again and retry.");
    }

    private async Task<object?[]?> FindAsync(TenantSession s, ResourceDefinition def, Guid id, bool includeDeleted, bool forUpdate, CancellationToken ct)
    {
        var sql = $"SELECT {def.SelectList} FROM {ResourceColumn.Quote(def.Table)} WHERE organization_id = $1 AND id = $2" +
                  (def.SoftDelete && !includeDeleted ? " AND deleted_at IS NULL" : "") + (forUpdate ? " FOR UPDATE" : "");
        return await SingleAsync(s, def, sql, [Uuid(s.OrganizationId), Uuid(id)], ct);
    }

    private static async Task<object?[]?> SingleAsync(TenantSession s, ResourceDefinition def, string sql, List<NpgsqlParameter> ps, CancellationToken ct)
    {
        await using var r = await s.ReadAsync(sql, ps, ct);
        return await r.ReadAsync(ct) ? RowJson.Read(r, def.Output) : null;
    }

    private sealed record Included(ResourceRelation Relation, ResourceDefinition Target, int LocalIndex, Dictionary<object, List<object?[]>> ByKey);

    private async Task<List<(string Name, Included Data)>> LoadIncludesAsync(TenantSession s, ResourceDefinition def, List<object?[]> rows, IReadOnlyList<string> includes, CancellationToken ct)
    {
        var result = new List<(string, Included)>();
        foreach (var name in includes)
        {
            var rel = def.FindRelation(name)!;
            var target = registry.Find(rel.Table)!;
            var localIndex = IndexOf(def, rel.LocalColumn);
            var keys = rows.Select(r => r[localIndex]).OfType<Guid>().Distinct().ToArray();
            var byKey = new Dictionary<object, List<object?[]>>();
            if (keys.Length > 0)
            {
                var remoteIndex = IndexOf(target, rel.RemoteColumn);
                var sql = $"SELECT {target.SelectList} FROM {ResourceColumn.Quote(target.Table)} WHERE organization_id = $1 AND {ResourceColumn.Quote(rel.RemoteColumn)} = ANY($2)" +
                          (target.SoftDelete ? " AND deleted_at IS NULL" : "") + $" ORDER BY id LIMIT {MaxIncludedRows + 1}";
                var ps = new List<NpgsqlParameter> { Uuid(s.OrganizationId), new() { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid } };
                var count = 0;
                await using var r = await s.ReadAsync(sql, ps, ct);
                while (await r.ReadAsync(ct))
                {
                    if (++count > MaxIncludedRows)
                        throw ProblemException.BadRequest($"include={name} matches more than {MaxIncludedRows} rows; list /api/v1/{target.Table} with a filter instead.");
                    var row = RowJson.Read(r, target.Output);
                    var key = row[remoteIndex]!;
                    if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                    list.Add(row);
                }
            }
            result.Add((name, new Included(rel, target, localIndex, byKey)));
        }
        return result;
    }

    private static void WriteRow(Utf8JsonWriter w, ResourceDefinition def, object?[] row, List<(string Name, Included Data)> included)
    {
        w.WriteStartObject();
        RowJson.WriteFields(w, row, def.Output);
        foreach (var (name, inc) in included)
        {
            var key = row[inc.LocalIndex];
            var matches = key is not null && inc.ByKey.TryGetValue(key, out var list) ? list : [];
            if (inc.Relation.Many)
            {
                w.WriteStartArray(name);
                foreach (var child in matches) { w.WriteStartObject(); RowJson.WriteFields(w, child, inc.Target.Output); w.WriteEndObject(); }
                w.WriteEndArray();
            }
            else if (matches.Count > 0)
            {
                w.WriteStartObject(name);
                RowJson.WriteFields(w, matches[0], inc.Target.Output);
                w.WriteEndObject();
            }
            else w.WriteNull(name);
        }
        w.WriteEndObject();
    }

    private static int IndexOf(ResourceDefinition def, string column)
    {
        for (var i = 0; i < def.Output.Count; i++) if (def.Output[i].Name == column) return i;
        throw new InvalidOperationException($"{def.Table}.{column} is not selected");
    }

    private static NpgsqlParameter Uuid(Guid? id) => new() { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private static NpgsqlParameter Param(ResourceColumn col, object? value) =>
        new() { Value = value ?? DBNull.Value, NpgsqlDbType = col.DbType };

    private static string Cast(ResourceColumn col) => col.UserType is null ? "" : "::" + ResourceColumn.Quote(col.UserType);
}
