using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Npgsql;

namespace Clientele.Modules.Sales.Imports;

/// <summary>Where an import stands (the imports row and the CLI's progress bar).</summary>
public sealed record ImportProgress(Guid Id, int Total, int Processed, int Created, int Updated, int Errors);

/// <summary>
/// Runs an import: each row becomes the table's JSON body (cells typed by their column), is matched
/// by its natural key and created or updated. Customers and leads go through the resource store row by
/// row (the API's validation, triggers, audit, their named events), each inside a savepoint so a bad row
/// is reported ({row, field, message}) and the others go on; 500 rows a chunk. Prospects, companies and
/// solutions are written set-wise, 5,000 rows a chunk (BulkUpsert): the rows are converted, resolved,
/// matched (one query) and validated by the API's binder in the app, bad ones reported, and the good
/// ones written by a few statements; if the database refuses one of them (a constraint or a trigger on
/// some row), the rows are halved back to their savepoint until the culprit is written alone, which names it.
/// A real import commits every chunk and records progress on the imports row; a dry run does the same
/// work in one transaction and rolls it back, so its report is exactly what the import would do.
/// </summary>
public sealed class ImportRunner(TenantSessions sessions, ResourceStore store, ResourceRegistry registry, BodyBinder binder)
{
    public const int Chunk = 500;
    private const int MaxErrorsKept = 1000;

    public sealed record Request(string Table, ImportFile File, JsonObject? Mapping, bool DryRun, string? FileName);

    /// <summary>Validates the request (422 naming table/mapping/file before anything is written) and returns the import's id once it has run.</summary>
    public async Task<Guid> RunAsync(TenantContext tenant, Request req, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (!ImportTables.All.Contains(req.Table))
            throw ProblemException.Validation("table", "must be one of " + string.Join(", ", ImportTables.All));
        var def = registry.Find(req.Table)!;
        var (columns, effective) = req.File.Map(def, req.Mapping);

        var id = Guid.CreateVersion7();
        await using (var s = sessions.Open(tenant))
        {
            await s.ExecuteAsync("""
                INSERT INTO imports (id, organization_id, table_name, file_name, dry_run, mapping, total_rows, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [id, s.OrganizationId, req.Table, SqlArg.Text(req.FileName is { Length: > 255 } f ? f[..255] : req.FileName), req.DryRun, effective, req.File.Rows.Count,
                     SqlArg.Uuid(tenant.UserId)], ct);
            await s.CommitAsync(ct);
        }

        var state = new State(id, req.File.Rows.Count);
        try
        {
            await using var work = sessions.Open(tenant);
            var refs = new References(work);
            var bulk = BulkUpsert.Supports(req.Table);
            var size = bulk ? BulkUpsert.Chunk : Chunk;
            for (var start = 0; start < req.File.Rows.Count; start += size)
            {
                var end = Math.Min(req.File.Rows.Count, start + size);
                if (bulk) await BulkChunkAsync(work, def, refs, req.File.Rows, start, end, columns, state, ct);
                else for (var i = start; i < end; i++) await RowAsync(work, def, refs, req.File.Rows[i], columns, i + 1, state, ct);
                if (!req.DryRun) await work.CommitAsync(ct);
                await SaveAsync(tenant, state, done: false, ct);
                progress?.Report(state.Progress);
            }
            if (req.DryRun) await work.RollbackAsync(ct);
            await SaveAsync(tenant, state, done: true, ct, completed: req.DryRun ? null : req);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await SaveAsync(tenant, state, done: true, ct, failure: e is ProblemException p ? p.Detail ?? p.Title : "The import stopped: " + e.Message);
            throw;
        }
        progress?.Report(state.Progress);
        return id;
    }

    private sealed class State(Guid id, int total)
    {
        public int Processed, Created, Updated, ErrorCount;
        public readonly JsonArray Errors = [];
        public ImportProgress Progress => new(id, total, Processed, Created, Updated, ErrorCount);
        public Guid Id => id;

        /// <summary>The errors recorded since <paramref name="from"/> in row order (a chunk reports validation before the database's refusals).</summary>
        public void SortErrorsFrom(int from)
        {
            if (Errors.Count - from < 2) return;
            var tail = Errors.Skip(from).Select(e => e!.DeepClone()).OrderBy(e => e["row"]!.GetValue<int>()).ToList(); // stable
            while (Errors.Count > from) Errors.RemoveAt(Errors.Count - 1);
            foreach (var e in tail) Errors.Add(e);
        }

        public void Error(int row, string field, string message)
        {
            ErrorCount++;
            if (Errors.Count < MaxErrorsKept) Errors.Add(new JsonObject { ["row"] = row, ["field"] = field, ["message"] = message });
        }
    }

    private async Task SaveAsync(TenantContext tenant, State st, bool done, CancellationToken ct, string? failure = null, Request? completed = null)
    {
        await using var s = sessions.Open(tenant);
        if (completed is not null) // a real import that ran to its end is on the organization's activity feed
            await ActivityFeed.WriteAsync(s, "import.completed", "imports", st.Id, completed.FileName ?? completed.Table,
                new JsonObject { ["table"] = completed.Table, ["rows"] = st.Processed, ["created"] = st.Created, ["updated"] = st.Updated, ["errors"] = st.ErrorCount },
                CancellationToken.None);
        await s.ExecuteAsync("""
            UPDATE imports SET processed_rows = $3, created_count = $4, updated_count = $5, error_count = $6, errors = $7,
              status = CASE WHEN $8 IS NOT NULL THEN 'failed' WHEN $9 THEN 'completed' ELSE status END,
              failure = $8, completed_at = CASE WHEN $9 THEN now() END
            WHERE organization_id = $1 AND id = $2
            """, [tenant.OrganizationId, st.Id, st.Processed, st.Created, st.Updated, st.ErrorCount, (JsonNode)st.Errors.DeepClone(), SqlArg.Text(failure), done], CancellationToken.None);
        await s.CommitAsync(CancellationToken.None);
    }

    /// <summary>The row's body (cells converted, references resolved to ids), or null with its error recorded.</summary>
    private static async Task<JsonObject?> BodyAsync(ResourceDefinition def, References refs, string[] cells, Dictionary<int, string> columns, int row, State st, CancellationToken ct)
    {
        var body = new JsonObject();
        var pseudo = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, column) in columns)
        {
            var cell = index < cells.Length ? cells[index].Trim() : "";
            if (cell.Length == 0) continue; // an empty cell never clears what the row has
            if (ImportTables.References(def.Table).Contains(column)) { pseudo[column] = cell; continue; }
            if (!TryConvert(def.ByName[column], cell, out var value, out var why)) { st.Error(row, column, why); return null; }
            body[column] = value;
        }
        var key = ImportTables.Key(def.Table);
        if (body[key[0]] is null) { st.Error(row, key[0], "is required: it is how the row is matched on a later import"); return null; }

        if (await refs.ResolveAsync(def.Table, body, pseudo, ct) is { } refError)
        {
            st.Error(row, refError.Field, refError.Message);
            return null;
        }
        return body;
    }

    /// <summary>
    /// A chunk of a BulkUpsert table: bodies built and validated here (errors recorded per row), matched
    /// by one query, written set-wise. A key seen earlier in the chunk is left to the row-by-row path
    /// after the set-wise write, so the file's later row updates what its earlier row wrote, as in order.
    /// </summary>
    private async Task BulkChunkAsync(TenantSession s, ResourceDefinition def, References refs, List<string[]> rows, int start, int end,
        Dictionary<int, string> columns, State st, CancellationToken ct)
    {
        var key = ImportTables.Key(def.Table);
        var firstError = st.Errors.Count;
        var prepared = new List<(int Row, JsonObject Body)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var later = new List<int>();
        for (var i = start; i < end; i++)
        {
            // References are resolved (new companies and industries written) before the chunk's savepoint, so a fallback keeps them.
            var body = await BodyAsync(def, refs, rows[i], columns, i + 1, st, ct);
            if (body is not null && !seen.Add(string.Join("\n", key.Select(c => body[c]?.GetValue<string>() ?? ""))))
            {
                later.Add(i); // counted when the row-by-row path processes it
                continue;
            }
            st.Processed++;
            if (body is not null) prepared.Add((i + 1, body));
        }
        var existing = await MatchAsync(s, def, prepared.Select(p => p.Body).ToList(), ct);
        var staged = new List<BulkUpsert.Staged>(prepared.Count);
        for (var n = 0; n < prepared.Count; n++)
        {
            var (row, body) = prepared[n];
            var found = existing[n];
            // The key matched case-insensitively; an update keeps the row's own spelling of it.
            if (found is not null) foreach (var k in key) body.Remove(k);
            try { binder.Bind(def, JsonSerializer.SerializeToElement(body), create: found is null); }
            catch (ProblemException p) { Report(st, row, p); continue; }
            staged.Add(new BulkUpsert.Staged(row, Guid.CreateVersion7(), found, body));
        }
        await WriteStagedAsync(s, def, staged, st, ct);
        foreach (var i in later) await RowAsync(s, def, refs, rows[i], columns, i + 1, st, ct);
        st.SortErrorsFrom(firstError);
    }

    /// <summary>
    /// Writes staged rows set-wise inside a savepoint. When the database refuses the statement (some
    /// row breaks a constraint or a trigger's rule), it goes back to the savepoint and halves the rows
    /// until the few that contain the culprit are written one by one, which names the row; the others
    /// stay set-wise (a bad row costs a handful of statements, not a chunk written row by row).
    /// </summary>
    private async Task WriteStagedAsync(TenantSession s, ResourceDefinition def, List<BulkUpsert.Staged> rows, State st, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await s.ExecuteAsync("SAVEPOINT import_chunk", [], ct);
        try
        {
            var (created, updated) = await BulkUpsert.WriteAsync(s, registry, def, rows, ct);
            await s.ExecuteAsync("RELEASE SAVEPOINT import_chunk", [], ct);
            st.Created += created;
            st.Updated += updated;
            return;
        }
        catch (PostgresException)
        {
            await s.ExecuteAsync("ROLLBACK TO SAVEPOINT import_chunk", [], ct);
            await s.ExecuteAsync("RELEASE SAVEPOINT import_chunk", [], ct);
        }
        if (rows.Count <= 8)
        {
            foreach (var r in rows) await WriteOneAsync(s, def, r.Body, r.Existing, r.Row, st, ct);
            return;
        }
        await WriteStagedAsync(s, def, rows[..(rows.Count / 2)], st, ct);
        await WriteStagedAsync(s, def, rows[(rows.Count / 2)..], st, ct);
    }

    /// <summary>
    /// The live row each body's natural key matches (case-insensitive, oldest first), in one query: the
    /// chunk's keys are joined to the table as a set (a hash join whatever the statistics say), not probed one by one.
    /// </summary>
    private static async Task<List<Guid?>> MatchAsync(TenantSession s, ResourceDefinition def, List<JsonObject> bodies, CancellationToken ct)
    {
        if (bodies.Count == 0) return [];
        var live = def.SoftDelete ? " AND x.deleted_at IS NULL" : "";
        string[] Texts(string c) => bodies.Select(b => b[c]?.GetValue<string>() ?? "").ToArray();
        var (a, b, second) = def.Table switch
        {
            "companies" => ("lower(x.name)", "lower(coalesce(x.website, ''))", Texts("website")),
            "solutions" => ("lower(x.name)", "lower(x.name)", Texts("name")),
            _ => ("lower(x.email)", "lower(x.email)", Texts("email")),
        };
        return await s.ReadListAsync($"""
            WITH k AS (SELECT lower(u.a) AS a, lower(u.b) AS b, u.n FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(a, b, n)),
            m AS (
              SELECT DISTINCT ON ({a}, {b}) {a} AS a, {b} AS b, x.id
              FROM {ResourceColumn.Quote(def.Table)} x
              WHERE x.organization_id = $1{live} AND ({a}, {b}) IN (SELECT k.a, k.b FROM k)
              ORDER BY {a}, {b}, x.created_at
            )
            SELECT m.id FROM k LEFT JOIN m ON m.a = k.a AND m.b = k.b ORDER BY k.n
            """, [s.OrganizationId, Texts(ImportTables.Key(def.Table)[0]), second], r => r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), ct);
    }

    private async Task RowAsync(TenantSession s, ResourceDefinition def, References refs, string[] cells, Dictionary<int, string> columns, int row, State st, CancellationToken ct)
    {
        st.Processed++;
        if (await BodyAsync(def, refs, cells, columns, row, st, ct) is not { } body) return;
        var key = ImportTables.Key(def.Table);

        var existing = await FindAsync(s, def, body, ct);
        // The key matched case-insensitively; an update keeps the row's own spelling of it.
        if (existing is not null) foreach (var k in key) body.Remove(k);
        await WriteOneAsync(s, def, body, existing, row, st, ct);
    }

    /// <summary>One row through the resource store in a savepoint: created, or updated when it matched; a refusal is the row's error.</summary>
    private async Task WriteOneAsync(TenantSession s, ResourceDefinition def, JsonObject body, Guid? existing, int row, State st, CancellationToken ct)
    {
        await s.ExecuteAsync("SAVEPOINT import_row", [], ct);
        try
        {
            var json = JsonSerializer.SerializeToElement(body);
            if (existing is { } found) await store.UpdateAsync(s, def, found, json, null, ct, commit: false);
            else await store.CreateAsync(s, def, json, ct, commit: false);
            await s.ExecuteAsync("RELEASE SAVEPOINT import_row", [], ct);
            if (existing is null) st.Created++; else st.Updated++;
        }
        catch (ProblemException p)
        {
            await s.ExecuteAsync("ROLLBACK TO SAVEPOINT import_row", [], ct);
            Report(st, row, p);
        }
        catch (PostgresException e)
        {
            await s.ExecuteAsync("ROLLBACK TO SAVEPOINT import_row", [], ct);
            Report(st, row, PostgresErrorMapper.Map(e, registry.Catalog) ?? ProblemException.Validation("_", e.MessageText));
        }
    }

    private static void Report(State st, int row, ProblemException p)
    {
        if (p.Errors is { Count: > 0 } errors)
            foreach (var (field, messages) in errors) foreach (var m in messages) st.Error(row, field, m);
        else st.Error(row, "_", p.Detail ?? p.Title);
    }

    /// <summary>The live row with the same natural key (case-insensitive), oldest first.</summary>
    private static async Task<Guid?> FindAsync(TenantSession s, ResourceDefinition def, JsonObject body, CancellationToken ct)
    {
        var live = def.SoftDelete ? " AND deleted_at IS NULL" : "";
        string Text(string c) => body[c]?.GetValue<string>() ?? "";
        return def.Table switch
        {
            "companies" => await s.QueryFirstAsync($"SELECT id FROM companies WHERE organization_id = $1 AND lower(name) = lower($2) AND lower(coalesce(website, '')) = lower($3){live} ORDER BY created_at LIMIT 1",
                [s.OrganizationId, Text("name"), Text("website")], r => (Guid?)r.GetGuid(0), ct),
            "solutions" => await s.QueryFirstAsync($"SELECT id FROM solutions WHERE organization_id = $1 AND lower(name) = lower($2){live} ORDER BY created_at LIMIT 1",
                [s.OrganizationId, Text("name")], r => (Guid?)r.GetGuid(0), ct),
            var t => await s.QueryFirstAsync($"SELECT id FROM {ResourceColumn.Quote(t)} WHERE id IN (SELECT clientele_ids_by_email($3, $2)) AND organization_id = $1{live} ORDER BY created_at LIMIT 1",
                [s.OrganizationId, Text("email"), t], r => (Guid?)r.GetGuid(0), ct),
        };
    }

    /// <summary>A cell as its column's JSON value; false with the reason when it is not one.</summary>
    public static bool TryConvert(ResourceColumn c, string cell, out JsonNode? value, out string why)
    {
        var inv = CultureInfo.InvariantCulture;
        why = "";
        value = null;
        switch (c.Kind)
        {
            case ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64:
                if (long.TryParse(cell, NumberStyles.Integer, inv, out var l)) { value = l; return true; }
                why = $"must be a whole number (got \"{cell}\")";
                return false;
            case ColumnKind.Decimal or ColumnKind.Double:
                if (decimal.TryParse(cell, NumberStyles.Number, inv, out var d)) { value = d; return true; }
                why = $"must be a number like 1234.50 (got \"{cell}\")";
                return false;
            case ColumnKind.Bool:
                switch (cell.ToLowerInvariant())
                {
                    case "true" or "yes" or "y" or "1": value = true; return true;
                    case "false" or "no" or "n" or "0": value = false; return true;
                }
                why = $"must be true or false (got \"{cell}\")";
                return false;
            case ColumnKind.Json or ColumnKind.Array:
                // JSON as written, or a list separated by semicolons ("chatbot; helpdesk").
                try { value = JsonNode.Parse(cell); if (value is JsonObject or JsonArray) return true; }
                catch (JsonException) { }
                value = new JsonArray(cell.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(x => (JsonNode?)JsonValue.Create(x)).ToArray());
                return true;
            default:
                value = cell;
                return true;
        }
    }
}
