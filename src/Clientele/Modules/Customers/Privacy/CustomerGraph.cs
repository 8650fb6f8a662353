using System.Text;
using Clientele.Platform.Database;

namespace Clientele.Modules.Customers.Privacy;

/// <summary>One table that holds rows about a customer: how it is reached and the SQL condition
/// that selects the customer's rows (alias t0; $1 = the customer, $2 = the organization).</summary>
public sealed record GraphTable(string Table, int Depth, string Path, string Where, IReadOnlyList<GraphColumn> Columns);

public sealed record GraphColumn(string Name, string Type, bool NotNull);

/// <summary>
/// Every table that references customers, directly or through other tables (contacts,
/// conversations, invoices, subscriptions, ...), read from the schema's foreign keys at run time so
/// a table added by a later migration is included without a code change. A table's rows are
/// selected through its foreign keys to tables nearer to customers (shortest paths). A table with a
/// customer_id column but no foreign key (the partitioned domain_events) is included too.
/// Privacy export and erase both walk this list.
/// </summary>
public static class CustomerGraph
{
    private static IReadOnlyList<GraphTable>? cached;

    private sealed record ForeignKey(string Child, string Parent, string[] Columns, string[] ParentColumns);

    public static async Task<IReadOnlyList<GraphTable>> ReadAsync(TenantSession s, CancellationToken ct)
    {
        if (cached is { } known) return known;
        var keys = await s.ReadListAsync("""
            SELECT ch.relname::text, pa.relname::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
            FROM pg_constraint c JOIN pg_class ch ON ch.oid = c.conrelid JOIN pg_class pa ON pa.oid = c.confrelid
            WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.conparentid = 0 AND NOT ch.relispartition
            ORDER BY 1, 2
            """, [], r => new ForeignKey(r.GetString(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<string[]>(3)), ct);
        var columns = await s.ReadListAsync("""
            SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            ORDER BY c.relname, a.attnum
            """, [], r => (Table: r.GetString(0), Column: new GraphColumn(r.GetString(1), r.GetString(2), r.GetBoolean(3))), ct);
        var byTable = columns.GroupBy(c => c.Table).ToDictionary(g => g.Key, g => (IReadOnlyList<GraphColumn>)g.Select(x => x.Column).ToList());
        cached = Build(keys, byTable);
        return cached;
    }

    private static List<GraphTable> Build(List<ForeignKey> keys, Dictionary<string, IReadOnlyList<GraphColumn>> columns)
    {
        // breadth first from customers along "child references parent"
        var depth = new Dictionary<string, int>(StringComparer.Ordinal) { ["customers"] = 0 };
        var path = new Dictionary<string, string>(StringComparer.Ordinal) { ["customers"] = "customers" };
        var queue = new Queue<string>([ "customers" ]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var fk in keys.Where(k => k.Parent == parent && !depth.ContainsKey(k.Child)))
            {
                depth[fk.Child] = depth[parent] + 1;
                path[fk.Child] = $"{path[parent]} > {fk.Child}";
                queue.Enqueue(fk.Child);
            }
        }
        var loose = columns.Where(c => !depth.ContainsKey(c.Key) && c.Value.Any(x => x.Name == "customer_id") && c.Value.Any(x => x.Name == "organization_id"))
            .Select(c => c.Key).ToList();
        foreach (var t in loose) { depth[t] = 1; path[t] = $"customers > {t} (customer_id, no foreign key)"; }

        string Condition(string table, string alias, int level)
        {
            if (table == "customers") return $"{alias}.id = $1";
            var parts = new List<string>();
            if (loose.Contains(table)) parts.Add($"{alias}.customer_id = $1");
            foreach (var fk in keys.Where(k => k.Child == table && depth.TryGetValue(k.Parent, out var d) && d < depth[table]))
            {
                var pairs = fk.Columns.Zip(fk.ParentColumns).Where(p => !(p.First == "organization_id" && p.Second == "organization_id")).ToList();
                if (pairs.Count == 0) continue;
                var inner = $"t{level}";
                var left = pairs.Count == 1 ? $"{alias}.{Q(pairs[0].First)}" : $"({string.Join(", ", pairs.Select(p => $"{alias}.{Q(p.First)}"))})";
                var sel = string.Join(", ", pairs.Select(p => $"{inner}.{Q(p.Second)}"));
                parts.Add($"{left} IN (SELECT {sel} FROM {Q(fk.Parent)} {inner} WHERE {inner}.organization_id = $2 AND {Condition(fk.Parent, inner, level + 1)})");
            }
            return parts.Count == 1 ? parts[0] : "(" + string.Join(" OR ", parts) + ")";
        }

        return depth.Where(d => columns.TryGetValue(d.Key, out var cols) && cols.Any(c => c.Name == "organization_id"))
            .OrderBy(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new GraphTable(d.Key, d.Value, path[d.Key], Condition(d.Key, "t0", 1), columns[d.Key]))
            .ToList();
    }

    /// <summary>A quoted identifier (catalog names are trusted, quoting keeps odd ones such as "timestamp" safe).</summary>
    public static string Q(string name)
    {
        var sb = new StringBuilder("\"");
        sb.Append(name.Replace("\"", "\"\"", StringComparison.Ordinal));
        return sb.Append('"').ToString();
    }
}
