using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Resources;
using NpgsqlTypes;

namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// The fast write of an import chunk (prospects, companies, solutions: tables without named events
/// or followers): the rows, already converted, resolved and validated by the API's binder in the app,
/// are binary-COPYed into a temporary table (StagingTable), then per shape (the set of columns a row
/// fills: an empty cell never clears a field, so rows differ) one INSERT ... SELECT for the new rows
/// and one UPDATE ... FROM for the matched ones, each with its audit_logs, activity_logs (record.created
/// / record.updated), domain_events ({table}.created / .updated, updates only when something changed)
/// and the transaction's one dispatch row carrying the events (always written: the subscribers'
/// in-memory interest check of DomainEvents.PublishAsync is not asked here), in the same statement. It runs in the caller's tenant
/// session: RLS, the tables' triggers and constraints apply to every row. Rows are written as the
/// database sees them (to_jsonb of the row, like SalesRows), not through the resource API's output.
/// A statement that fails rolls the chunk back to its savepoint (ImportRunner then writes it row by row).
/// </summary>
public static class BulkUpsert
{
    public const int Chunk = 5000;

    public static bool Supports(string table) => table is "prospects" or "companies" or "solutions";

    /// <summary>One row to write: its line number, new id, the matched row (null: create) and its JSON body (columns it fills).</summary>
    public sealed record Staged(int Row, Guid Id, Guid? Existing, JsonObject Body)
    {
        public string Shape { get; } = string.Join(",", Body.Select(kv => kv.Key).Order(StringComparer.Ordinal));
    }

    public static async Task<(int Created, int Updated)> WriteAsync(TenantSession s, ResourceRegistry registry, ResourceDefinition def, IReadOnlyList<Staged> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return (0, 0);
        var shapes = rows.Select(r => r.Shape).Distinct().ToList();
        var shapeOf = shapes.Select((x, i) => (x, i)).ToDictionary(p => p.x, p => p.i, StringComparer.Ordinal);
        await s.ExecuteAsync("DROP TABLE IF EXISTS import_stage", [], ct);
        await StagingTable.CopyAsync(s, "import_stage", "row_no int NOT NULL, id uuid NOT NULL, existing uuid, shape int NOT NULL, body jsonb NOT NULL", rows,
            async (w, r, c) =>
            {
                await w.WriteAsync(r.Row, NpgsqlDbType.Integer, c);
                await w.WriteAsync(r.Id, NpgsqlDbType.Uuid, c);
                await w.WriteOrNullAsync(r.Existing, NpgsqlDbType.Uuid, c);
                await w.WriteAsync(shapeOf[r.Shape], NpgsqlDbType.Integer, c);
                await w.WriteAsync(r.Body.ToJsonString(), NpgsqlDbType.Jsonb, c);
            }, ct);
        await s.ExecuteAsync("ANALYZE import_stage", [], ct); // the planner sees 5,000 rows, not an empty temporary table

        var t = s.Tenant;
        bool UserRef(string column) => registry.Catalog.ForeignKeys.Any(fk => fk.RefTable == "users" && fk.Table == def.Table && fk.Column == column);
        var createdBy = def.HasCreatedBy ? (UserRef("created_by") ? t.UserId : t.ActorId) : null;
        var updatedBy = def.HasUpdatedBy ? (UserRef("updated_by") ? t.UserId : t.ActorId) : null;
        int created = 0, updated = 0;
        foreach (var (shape, index) in shapeOf)
        {
            var cols = shape.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ResourceColumn.Quote).ToList();
            object?[] args = [s.OrganizationId, SqlArg.Uuid(t.ActorId), t.ActorType, index, SqlArg.Typed(Truncate(t.IpAddress, 45), NpgsqlDbType.Varchar),
                SqlArg.Text(t.UserAgent), SqlArg.Uuid(t.UserId), SqlArg.Uuid(t.ApiKeyId), SqlArg.Uuid(createdBy), SqlArg.Uuid(updatedBy),
                s.DispatchRowId ??= Guid.CreateVersion7()];
            if (rows.Any(r => r.Existing is null && r.Shape == shape))
                created += await s.ScalarAsync<int>(InsertSql(def, cols), args, ct);
            if (cols.Count > 0 && rows.Any(r => r.Existing is not null && r.Shape == shape))
                updated += await s.ScalarAsync<int>(UpdateSql(def, cols), args, ct);
        }
        // A matched row whose file row filled nothing but its key is counted as updated, as the row-by-row path does.
        updated += rows.Count(r => r.Existing is not null && r.Shape.Length == 0);
        if (created + updated > 0) DomainEvents.WakeOnCommit(s);
        return (created, updated);
    }

    // Parameters: $1 organization, $2 actor, $3 actor type, $4 shape, $5 ip, $6 user agent, $7 user, $8 api key, $9 created_by, $10 updated_by, $11 the transaction's dispatch row.
    private static string InsertSql(ResourceDefinition def, List<string> cols)
    {
        var table = ResourceColumn.Quote(def.Table);
        var extra = (def.HasCreatedBy ? ", created_by" : "") + (def.HasUpdatedBy ? ", updated_by" : "");
        var extraValues = (def.HasCreatedBy ? ", $9" : "") + (def.HasUpdatedBy ? ", $10" : "");
        var names = cols.Count == 0 ? "" : ", " + string.Join(", ", cols);
        var values = cols.Count == 0 ? "" : ", " + string.Join(", ", cols.Select(c => "r." + c));
        return $$"""
            WITH ins AS (
              INSERT INTO {{table}} AS t (id, organization_id{{extra}}{{names}})
              SELECT st.id, $1{{extraValues}}{{values}}
              FROM import_stage st CROSS JOIN LATERAL jsonb_populate_record(NULL::{{table}}, st.body) r
              WHERE st.shape = $4 AND st.existing IS NULL ORDER BY st.row_no
              RETURNING t.id, to_jsonb(t) - 'organization_id' AS after
            ), audit AS (
              INSERT INTO audit_logs (id, organization_id, entity_type, entity_id, action, actor_type, actor_id, changes, ip_address, user_agent)
              SELECT clientele_uuid_v7(), $1, '{{def.Table}}', id, 'create', $3, $2, jsonb_build_object('after', after), $5, $6 FROM ins
            ){{Feed(def, "ins", "after", "created")}}{{Events(def, "SELECT id, after, NULL::jsonb AS prev FROM ins", "created")}}
            SELECT count(*)::int FROM ins
            """;
    }

    private static string UpdateSql(ResourceDefinition def, List<string> cols)
    {
        var table = ResourceColumn.Quote(def.Table);
        var sets = string.Join(", ", cols.Select(c => $"{c} = r.{c}")) + (def.HasUpdatedBy ? ", updated_by = $10" : "");
        const string changed = "e.key NOT IN ('updated_at', 'updated_by') AND upd.before->e.key IS DISTINCT FROM e.value";
        return $$"""
            WITH old AS (
              SELECT st.existing AS id, st.body, to_jsonb(o) - 'organization_id' AS before
              FROM import_stage st JOIN {{table}} o ON o.organization_id = $1 AND o.id = st.existing
              WHERE st.shape = $4 AND st.existing IS NOT NULL
              FOR UPDATE OF o
            ), upd AS (
              UPDATE {{table}} AS t SET {{sets}}
              FROM old CROSS JOIN LATERAL jsonb_populate_record(NULL::{{table}}, old.body) r
              WHERE t.organization_id = $1 AND t.id = old.id
              RETURNING t.id, old.before, to_jsonb(t) - 'organization_id' AS after
            ), d AS (
              SELECT upd.id, upd.after,
                     (SELECT coalesce(jsonb_object_agg(e.key, upd.before->e.key), '{}') FROM jsonb_each(upd.after) e WHERE {{changed}}) AS prev,
                     (SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}') FROM jsonb_each(upd.after) e WHERE {{changed}}) AS aft
              FROM upd
            ), audit AS (
              INSERT INTO audit_logs (id, organization_id, entity_type, entity_id, action, actor_type, actor_id, changes, ip_address, user_agent)
              SELECT clientele_uuid_v7(), $1, '{{def.Table}}', id, 'update', $3, $2, jsonb_build_object('before', prev, 'after', aft), $5, $6 FROM d
            ){{Feed(def, "d", "after", "updated")}}{{Events(def, "SELECT id, after, prev FROM d WHERE prev <> '{}'::jsonb", "updated")}}
            SELECT count(*)::int FROM upd
            """;
    }

    /// <summary>The activity feed's record.created / record.updated for a tracked table (ActivityFeed.RecordAsync, set-wise).</summary>
    private static string Feed(ResourceDefinition def, string source, string row, string verb)
    {
        if (!ActivityFeed.Tracked.Contains(def.Table)) return "";
        var name = "coalesce(" + string.Join(", ", new[] { "name", "title", "subject", "company_name", "email" }
            .Select(k => $"CASE WHEN btrim({row}->>'{k}') <> '' AND jsonb_typeof({row}->'{k}') = 'string' THEN {row}->>'{k}' END")) + ")";
        return $$"""
            , feed AS (
              INSERT INTO activity_logs (id, organization_id, user_id, actor_name, action_type, resource_type, resource_id, resource_name, ip_address)
              SELECT clientele_uuid_v7(), $1, who.user_id, who.actor_name, 'record.{{verb}}', '{{def.Table}}', {{source}}.id, left({{name}}, 255),
                     CASE WHEN $5::text ~ '^[0-9a-fA-F:.]+$' THEN $5::inet END
              FROM {{source}}, (SELECT u.id AS user_id,
                                     left(coalesce(u.name, u.email, (SELECT 'API key ' || k.name FROM api_keys k WHERE k.organization_id = $1 AND k.id = $8),
                                                   CASE $3 WHEN 'agent' THEN 'AI agent' ELSE 'System' END), 255) AS actor_name
                              FROM (SELECT 1) one LEFT JOIN users u ON u.organization_id = $1 AND u.id = $7) who
            )
            """;
    }

    /// <summary>{table}.{verb} per row (DomainEvents.PublishChangeAsync, set-wise) and one outbox row delivering them, as PublishAsync writes.</summary>
    private static string Events(ResourceDefinition def, string changes, string verb) => $$"""
        , ch AS ({{changes}}
        ), ev AS (
          INSERT INTO domain_events (id, organization_id, event_type, resource_type, resource_id, customer_id, data, changed_fields, previous, actor_type, actor_id)
          SELECT clientele_uuid_v7(), $1, '{{def.Table}}.{{verb}}', '{{def.Table}}', ch.id,
                 CASE WHEN jsonb_typeof(ch.after->'customer_id') = 'string' THEN (ch.after->>'customer_id')::uuid END,
                 ch.after, coalesce(ARRAY(SELECT jsonb_object_keys(ch.prev)), '{}'), ch.prev, $3, $2
          FROM ch
          RETURNING id, event_type, resource_type, resource_id, customer_id, data, changed_fields, previous, actor_type, actor_id, created_at
        ), box AS (
          INSERT INTO outbox (id, organization_id, topic, payload, available_at, max_attempts)
          SELECT $11, $1, '{{DomainEvents.DispatchTopic}}', jsonb_build_object('events', jsonb_agg(jsonb_build_object(
                   'id', ev.id, 'type', ev.event_type, 'resource_type', ev.resource_type, 'resource_id', ev.resource_id, 'customer_id', ev.customer_id,
                   'data', ev.data, 'changed_fields', to_jsonb(ev.changed_fields), 'previous', ev.previous, 'actor_type', ev.actor_type,
                   'actor_id', ev.actor_id, 'created_at', ev.created_at) ORDER BY ev.id)), now(), 8
          FROM ev HAVING count(*) > 0
          -- One dispatch row per transaction (DomainEvents.PublishAsync's upsert): later events are appended to it.
          ON CONFLICT (id) DO UPDATE SET payload = jsonb_build_object('events', (outbox.payload -> 'events') || (EXCLUDED.payload -> 'events'))
        )
        """;

    private static string? Truncate(string? v, int n) => v is null || v.Length <= n ? v : v[..n];
}
