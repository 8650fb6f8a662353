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
/// by its natural key and created or updated through the resource store (the API's validation,
/// triggers, audit and events), inside a savepoint so a bad row is reported ({row, field, message})
/// and the others go on. A real import commits every chunk (500 rows) and records progress on the
/// imports row; a dry run does the same work in one transaction and rolls it back, so its report is
/// exactly what the import would do.
/// </summary>
public sealed class ImportRunner(TenantSessions sessions, ResourceStore store, ResourceRegistry registry)
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
            for (var i = 0; i < req.File.Rows.Count; i++)
            {
                await RowAsync(work, def, refs, req.File.Rows[i], columns, i + 1, state, ct);
                if ((i + 1) % Chunk == 0 || i + 1 == req.File.Rows.Count)
                {
                    if (!req.DryRun) await work.CommitAsync(ct);
                    await SaveAsync(tenant, state, done: false, ct);
                    progress?.Report(state.Progress);
                }
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

    private async Task RowAsync(TenantSession s, ResourceDefinition def, References refs, string[] cells, Dictionary<int, string> columns, int row, State st, CancellationToken ct)
    {
        st.Processed++;
        var body = new JsonObject();
        var pseudo = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (index, column) in columns)
        {
            var cell = index < cells.Length ? cells[index].Trim() : "";
            if (cell.Length == 0) continue; // an empty cell never clears what the row has
            if (ImportTables.References(def.Table).Contains(column)) { pseudo[column] = cell; continue; }
            if (!TryConvert(def.ByName[column], cell, out var value, out var why)) { st.Error(row, column, why); return; }
            body[column] = value;
        }
        var key = ImportTables.Key(def.Table);
        if (body[key[0]] is null) { st.Error(row, key[0], "is required: it is how the row is matched on a later import"); return; }

        if (await refs.ResolveAsync(def.Table, body, pseudo, ct) is { } refError)
        {
            st.Error(row, refError.Field, refError.Message);
            return;
        }

        var existing = await FindAsync(s, def, body, ct);
        await s.ExecuteAsync("SAVEPOINT import_row", [], ct);
        try
        {
            // The key matched case-insensitively; an update keeps the row's own spelling of it.
            if (existing is not null) foreach (var k in key) body.Remove(k);
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
            var t => await s.QueryFirstAsync($"SELECT id FROM {ResourceColumn.Quote(t)} WHERE organization_id = $1 AND lower(email) = lower($2){live} ORDER BY created_at LIMIT 1",
                [s.OrganizationId, Text("email")], r => (Guid?)r.GetGuid(0), ct),
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
