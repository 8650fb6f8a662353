using System.Text;
using System.Text.Json;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Clientele.Platform.Resources;

/// <summary>
/// The list parameters of DESIGN §4 (limit, cursor, order, filters, include, include_deleted)
/// parsed and validated against a resource, and turned into one keyset-paginated SELECT.
/// </summary>
public sealed class ListQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "limit", "cursor", "order", "include", "include_deleted" };
    private static readonly string[] Ops = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "like", "is_null"];

    public int Limit { get; private init; } = DefaultLimit;
    public ResourceColumn OrderBy { get; private init; } = null!;
    public bool Descending { get; private init; }
    public bool IncludeDeleted { get; private init; }
    public IReadOnlyList<string> Includes { get; private init; } = [];
    public List<(ResourceColumn Column, string Op, object? Value)> Filters { get; } = [];
    private Cursor? _cursor;

    private sealed record Cursor(string O, bool D, string? V, Guid Id);

    public static ListQuery Parse(ResourceDefinition def, IQueryCollection q, bool isAdmin)
    {
        var errors = new FieldErrors();
        var limit = DefaultLimit;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, out limit) || limit < 1 || limit > MaxLimit))
            errors.Add("limit", $"must be an integer from 1 to {MaxLimit}");

        var orderText = q.TryGetValue("order", out var o) ? o.ToString() : "-id";
        var desc = orderText.StartsWith('-');
        // One optional sign: "--id" or "+-id" is a typo, not a field.
        var orderName = orderText.Length > 0 && orderText[0] is '-' or '+' ? orderText[1..] : orderText;
        if (!def.ByName.TryGetValue(orderName, out var orderCol) || !orderCol.Sortable)
        {
            errors.Add("order", $"'{orderName}' is not a sortable field of {def.Table}");
            orderCol = def.ByName["id"];
        }

        var includeDeleted = false;
        if (q.TryGetValue("include_deleted", out var inc))
        {
            if (!bool.TryParse(inc, out includeDeleted)) errors.Add("include_deleted", "must be true or false");
            else if (includeDeleted && !isAdmin) throw ProblemException.Forbidden("include_deleted=true is for admins and owners.");
            else if (includeDeleted && !def.SoftDelete) includeDeleted = false;
        }

        var includes = new List<string>();
        if (q.TryGetValue("include", out var incl))
        {
            foreach (var name in incl.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (def.FindRelation(name) is null)
                    errors.Add("include", $"'{name}' is not related to {def.Table}; possible: {string.Join(", ", def.Relations.Select(r => r.Name))}");
                else if (!includes.Contains(name)) includes.Add(name);
            }
        }

        var query = new ListQuery { Limit = limit, OrderBy = orderCol, Descending = desc, IncludeDeleted = includeDeleted, Includes = includes };

        foreach (var (key, values) in q)
        {
            if (Reserved.Contains(key)) continue;
            var field = key;
            var op = "eq";
            var bracket = key.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0 && key.EndsWith(']'))
            {
                field = key[..bracket];
                op = key[(bracket + 1)..^1];
            }
            if (!def.ByName.TryGetValue(field, out var col) || col.Secret)
            {
                errors.Add(key, $"unknown field '{field}' of {def.Table}");
                continue;
            }
            if (!Ops.Contains(op))
            {
                errors.Add(key, $"unknown operator '{op}'; use one of {string.Join(", ", Ops)}");
                continue;
            }
            foreach (var raw in values)
            {
                var text = raw ?? "";
                // The one text check of list filters (PostgreSQL refuses NUL in text: 22021).
                if (JsonText.Check(text) is { } badText)
                {
                    errors.Add(key, badText);
                    continue;
                }
                if (op == "is_null")
                {
                    if (!bool.TryParse(text, out var isNull)) errors.Add(key, "must be true or false");
                    else query.Filters.Add((col, op, isNull));
                    continue;
                }
                if (col.Kind is ColumnKind.Json or ColumnKind.Bytes)
                {
                    errors.Add(key, $"'{field}' can only be filtered with [is_null]");
                    continue;
                }
                var kind = col.Kind == ColumnKind.Array ? col.ElementKind : col.Kind;
                if (op == "like" && kind != ColumnKind.Text)
                {
                    errors.Add(key, "[like] applies to text fields");
                    continue;
                }
                if (op == "like" && EndsWithEscape(text))
                {
                    // ILIKE's escape character is \; a pattern ending in a lone one is PostgreSQL's 22025.
                    errors.Add(key, "ends with an unfinished escape (\\); write \\\\ for a literal backslash");
                    continue;
                }
                if (op == "in")
                {
                    var items = new List<object?>();
                    foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
                    {
                        if (ValueParser.TryFromText(kind, part, out var v)) items.Add(v);
                        else errors.Add(key, $"'{part}' is not {col.TypeDescription}");
                    }
                    query.Filters.Add((col, op, ValueParser.ToTypedArray(kind, items)));
                    continue;
                }
                if (ValueParser.TryFromText(kind, text, out var value)) query.Filters.Add((col, op, value));
                else errors.Add(key, $"'{text}' is not {(col.Kind == ColumnKind.Array ? "a valid element" : col.TypeDescription)}");
            }
        }

        if (q.TryGetValue("cursor", out var c) && !string.IsNullOrEmpty(c))
        {
            try
            {
                var cursor = JsonSerializer.Deserialize<Cursor>(Convert.FromBase64String(FromBase64Url(c!)));
                if (cursor is null || cursor.O != orderCol.Name || cursor.D != desc || JsonText.Check(cursor.V) is not null)
                    errors.Add("cursor", "does not belong to this order; pass the same order as the request that returned it");
                else query._cursor = cursor;
            }
            catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or ArgumentException)
            {
                errors.Add("cursor", "is not a cursor returned by this API");
            }
        }
        errors.ThrowIfAny(400);
        return query;
    }

    /// <summary>The SELECT for one page (Limit + 1 rows, to know has_more).</summary>
    public (string Sql, List<NpgsqlParameter> Parameters) ToSql(ResourceDefinition def, Guid organizationId)
    {
        var ps = new List<NpgsqlParameter>();
        string P(ResourceColumn col, object? value, bool array = false)
        {
            var p = new NpgsqlParameter { Value = value ?? DBNull.Value };
            var kind = col.Kind == ColumnKind.Array ? col.ElementKind : col.Kind;
            p.NpgsqlDbType = array ? NpgsqlTypes.NpgsqlDbType.Array | ResourceColumn.ScalarDbType(kind) : ResourceColumn.ScalarDbType(kind);
            ps.Add(p);
            var cast = col.UserType is null ? "" : "::text";
            return "$" + ps.Count + (cast.Length > 0 ? "" : "");
        }
        var sb = new StringBuilder("SELECT ").Append(def.SelectList).Append(" FROM ").Append(ResourceColumn.Quote(def.Table));
        ps.Add(new NpgsqlParameter { Value = organizationId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        sb.Append(" WHERE organization_id = $1");
        if (def.SoftDelete && !IncludeDeleted) sb.Append(" AND deleted_at IS NULL");
        foreach (var (col, op, value) in Filters)
        {
            var field = col.UserType is null ? col.Sql : col.Sql + "::text";
            sb.Append(" AND ");
            if (col.Kind == ColumnKind.Array)
            {
                sb.Append(op switch
                {
                    "is_null" => (bool)value! ? $"{field} IS NULL" : $"{field} IS NOT NULL",
                    "in" => $"{field} && {P(col, value, array: true)}",
                    "ne" => $"NOT ({P(col, value)} = ANY({field}))",
                    "like" => $"EXISTS (SELECT 1 FROM unnest({field}) e WHERE e ILIKE {P(col, value)})",
                    _ => $"{P(col, value)} = ANY({field})",
                });
                continue;
            }
            sb.Append(op switch
            {
                "eq" => $"{field} = {P(col, value)}",
                "ne" => $"{field} IS DISTINCT FROM {P(col, value)}",
                "gt" => $"{field} > {P(col, value)}",
                "gte" => $"{field} >= {P(col, value)}",
                "lt" => $"{field} < {P(col, value)}",
                "lte" => $"{field} <= {P(col, value)}",
                "in" => $"{field} = ANY({P(col, value, array: true)})",
                "like" => $"{field} ILIKE {P(col, value)}",
                "is_null" => (bool)value! ? $"{field} IS NULL" : $"{field} IS NOT NULL",
                _ => throw new InvalidOperationException(op),
            });
        }
        var dir = Descending ? "DESC" : "ASC";
        var order = OrderBy.UserType is null ? OrderBy.Sql : OrderBy.Sql + "::text";
        if (_cursor is not null)
        {
            var idParam = P(def.ByName["id"], _cursor.Id);
            var cmp = Descending ? "<" : ">";
            if (OrderBy.Name == "id")
            {
                sb.Append($" AND id {cmp} {idParam}");
            }
            else if (_cursor.V is null)
            {
                // ASC puts NULLs last, DESC first (PostgreSQL's defaults).
                sb.Append(Descending
                    ? $" AND ({order} IS NOT NULL OR ({order} IS NULL AND id < {idParam}))"
                    : $" AND ({order} IS NULL AND id > {idParam})");
            }
            else
            {
                var kind = OrderBy.Kind;
                ValueParser.TryFromText(kind, _cursor.V, out var v);
                var vp = P(OrderBy, v);
                sb.Append(Descending
                    ? $" AND ({order} < {vp} OR ({order} = {vp} AND id < {idParam}))"
                    : $" AND ({order} > {vp} OR ({order} = {vp} AND id > {idParam}) OR {order} IS NULL)");
            }
        }
        sb.Append(" ORDER BY ");
        if (OrderBy.Name != "id") sb.Append(order).Append(' ').Append(dir).Append(", ");
        sb.Append("id ").Append(dir).Append(" LIMIT ").Append(Limit + 1);
        return (sb.ToString(), ps);
    }

    public string NextCursor(string? orderValue, Guid lastId)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Cursor(OrderBy.Name, Descending, orderValue, lastId));
        return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static bool EndsWithEscape(string pattern)
    {
        var n = 0;
        for (var i = pattern.Length - 1; i >= 0 && pattern[i] == '\\'; i--) n++;
        return n % 2 == 1;
    }

    private static string FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
