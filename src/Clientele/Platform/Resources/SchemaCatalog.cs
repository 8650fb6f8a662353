using Npgsql;

namespace Clientele.Platform.Resources;

/// <summary>
/// Facts read once from the migrated database: column lengths and defaults, foreign keys,
/// and which columns each constraint covers (to name the field in a constraint error).
/// </summary>
public sealed class SchemaCatalog
{
    /// <param name="NumericPrecision">for numeric(p,s) columns: p (null for other types and unconstrained numeric)</param>
    /// <param name="NumericScale">for numeric(p,s) columns: s</param>
    public sealed record ColumnFacts(string Table, string Name, int Ordinal, int? MaxLength, bool HasDefault, bool Nullable, string DataType, string? UserType,
        int? NumericPrecision = null, int? NumericScale = null);
    public sealed record ForeignKey(string Name, string Table, string Column, string RefTable, string RefColumn);

    private readonly Dictionary<(string, string), ColumnFacts> _columns = [];
    private readonly Dictionary<string, string[]> _constraintColumns = new(StringComparer.Ordinal);
    public List<ForeignKey> ForeignKeys { get; } = [];
    public IEnumerable<ColumnFacts> Columns => _columns.Values;

    public ColumnFacts? Column(string table, string column) => _columns.GetValueOrDefault((table, column));

    /// <summary>What the app role may do to a table (append-only tables lack UPDATE/DELETE).</summary>
    public sealed record TablePrivileges(bool Insert, bool Update, bool Delete);
    private readonly Dictionary<string, TablePrivileges> _privileges = new(StringComparer.Ordinal);
    public TablePrivileges Privileges(string table) => _privileges.GetValueOrDefault(table) ?? new TablePrivileges(false, false, false);

    /// <summary>The columns a named constraint or unique index covers (organization_id left out).</summary>
    private readonly Dictionary<string, string> _checks = new(StringComparer.Ordinal);

    /// <summary>A CHECK constraint's condition as PostgreSQL prints it, e.g. "(health_score >= 0) AND (health_score <= 100)".</summary>
    public string? CheckCondition(string? constraint) => constraint is not null ? _checks.GetValueOrDefault(constraint) : null;

    public string[] ConstraintColumns(string? constraint) =>
        constraint is not null && _constraintColumns.TryGetValue(constraint, out var cols) ? cols : [];

    public static async Task<SchemaCatalog> LoadAsync(NpgsqlDataSource dataSource, CancellationToken ct = default)
    {
        var catalog = new SchemaCatalog();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            SELECT table_name, column_name, ordinal_position, character_maximum_length, column_default IS NOT NULL OR is_identity = 'YES',
                   is_nullable = 'YES', data_type, CASE WHEN data_type = 'USER-DEFINED' THEN udt_name END,
                   CASE WHEN data_type = 'numeric' THEN numeric_precision END, CASE WHEN data_type = 'numeric' THEN numeric_scale END
            FROM information_schema.columns WHERE table_schema = current_schema()
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var f = new ColumnFacts(r.GetString(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3),
                    r.GetBoolean(4), r.GetBoolean(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7),
                    r.IsDBNull(8) ? null : r.GetInt32(8), r.IsDBNull(9) ? null : r.GetInt32(9));
                catalog._columns[(f.Table, f.Name)] = f;
            }
        }
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.relname, has_table_privilege(c.oid, 'INSERT'), has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            WHERE c.relkind IN ('r', 'p')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct)) catalog._privileges[r.GetString(0)] = new TablePrivileges(r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3));
        }
        // Constraints (check, unique, primary, foreign) and unique indexes with their columns (an index's key and
        // expression columns; not its WHERE predicate's: a conflict on a partial unique index is about the key).
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.conname, c.contype::text, rel.relname,
                   array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   ref.relname,
                   array(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            JOIN pg_class rel ON rel.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = rel.relnamespace AND n.nspname = current_schema()
            LEFT JOIN pg_class ref ON ref.oid = c.confrelid
            WHERE c.contype IN ('c', 'u', 'p', 'f')
            UNION ALL
            SELECT i.relname, 'i', t.relname,
                   array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0
                         AND (a.attnum = ANY(x.indkey) OR coalesce(pg_get_expr(x.indexprs, x.indrelid), '') ~ ('\m' || a.attname || '\M'))),
                   NULL, NULL, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
            WHERE x.indisunique AND NOT x.indisprimary
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var name = r.GetString(0);
                var type = r.GetString(1);
                var table = r.GetString(2);
                var cols = r.GetFieldValue<string[]>(3);
                var def = r.GetString(6);
                if (type == "c" && cols.Length == 0)
                {
                    // Table-level checks may not record columns: find them in the expression.
                    cols = catalog._columns.Values.Where(c => c.Table == table && System.Text.RegularExpressions.Regex.IsMatch(def, $@"\b{c.Name}\b"))
                        .Select(c => c.Name).ToArray();
                }
                var meaningful = cols.Where(c => c != "organization_id").ToArray();
                catalog._constraintColumns[name] = meaningful.Length > 0 ? meaningful : cols;
                if (type == "c" && def.StartsWith("CHECK ", StringComparison.Ordinal))
                {
                    var condition = def["CHECK ".Length..].Trim();
                    if (condition.StartsWith('(') && condition.EndsWith(')')) condition = condition[1..^1];
                    catalog._checks[name] = condition.Replace("::text", "", StringComparison.Ordinal).Replace("::character varying", "", StringComparison.Ordinal).Replace("::numeric", "", StringComparison.Ordinal);
                }
                if (type == "f")
                {
                    var refCols = r.GetFieldValue<string[]>(5);
                    for (var i = 0; i < cols.Length; i++)
                    {
                        if (cols[i] == "organization_id" && cols.Length > 1) continue;
                        catalog.ForeignKeys.Add(new ForeignKey(name, table, cols[i], r.GetString(4), refCols[i]));
                    }
                }
            }
        }
        return catalog;
    }
}
