using System.Globalization;
using System.Text;
using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Customers;

/// <summary>
/// The customer table's query: search text, filters (plan, health below, at risk, segment, CSM) and
/// the sort. Parsed from a query string with field errors, shared by the console table, its CSV
/// export and GET /api/v1/customers/export, so the export is exactly what the table shows.
/// </summary>
public sealed record CustomerFilter(string? Q = null, string? Plan = null, int? HealthBelow = null, bool AtRisk = false, string? Segment = null,
    Guid? CsmId = null, string Sort = "name", bool Descending = false)
{
    public const int MaxSearchLength = 200;

    /// <summary>Sortable columns: the key a link uses, the SQL (never NULL, so keyset comparisons hold) and its type.</summary>
    public static readonly IReadOnlyDictionary<string, (string Sql, string Cast)> Sorts = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["name"] = ("lower(coalesce(c.name, c.email))", "text"),
        ["plan"] = ("coalesce(c.plan, '')", "text"),
        ["mrr"] = ("coalesce(c.mrr, 0)", "numeric"),
        ["health"] = ("coalesce(c.health_score, -1)", "integer"),
        ["churn_risk"] = ("coalesce(c.churn_risk, -1)", "numeric"),
        ["renewal"] = ("coalesce(c.renewal_date, 'infinity'::date)", "date"),
        ["csm"] = ("coalesce(lower(u.name), '')", "text"),
    };

    public static CustomerFilter Parse(IQueryCollection q, FieldErrors errors)
    {
        string? Text(string key, int max)
        {
            var v = q[key].ToString().Trim();
            if (v.Length == 0) return null;
            if (v.Length > max) errors.Add(key, $"must be at most {max} characters");
            return v.Length > max ? null : v;
        }
        int? health = null;
        if (Text("health_below", 10) is { } h)
        {
            if (int.TryParse(h, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 101) health = v;
            else errors.Add("health_below", "must be a whole number from 0 to 101");
        }
        Guid? csm = null;
        if (Text("csm", 64) is { } c)
        {
            if (Guid.TryParse(c, out var g)) csm = g;
            else errors.Add("csm", "must be the id of a team member");
        }
        var atRisk = false;
        if (Text("at_risk", 10) is { } r)
        {
            if (r is "true" or "on" or "1") atRisk = true;
            else if (r is not ("false" or "0")) errors.Add("at_risk", "must be true or false");
        }
        var sortText = Text("sort", 40) ?? "name";
        var desc = sortText.StartsWith('-');
        var sort = sortText.TrimStart('-');
        if (!Sorts.ContainsKey(sort))
        {
            errors.Add("sort", $"must be one of {string.Join(", ", Sorts.Keys)} (with - for descending)");
            sort = "name";
        }
        return new CustomerFilter(Text("q", MaxSearchLength), Text("plan", 50), health, atRisk, Text("segment", 100), csm, sort, desc);
    }

    /// <summary>The WHERE clause (customers c, users u joined as the CSM) with its parameters; $1 is the organization.</summary>
    public string Where(SqlParameters p, Guid organizationId)
    {
        var parts = new List<string> { $"c.organization_id = {p.Bind(organizationId)}", "c.deleted_at IS NULL" };
        if (Q is { } q)
        {
            var like = p.BindContains(q);
            parts.Add($"(c.name ILIKE {like} OR c.email ILIKE {like} OR c.company_name ILIKE {like})");
        }
        if (Plan is { } plan) parts.Add($"c.plan = {p.Bind(plan)}");
        if (HealthBelow is { } hb) parts.Add($"c.health_score < {p.Bind(hb)}");
        if (AtRisk)
            parts.Add($"c.health_score < {CustomersModule.AtRiskHealthBelow} AND c.churn_risk > {CustomersModule.AtRiskChurnAbove.ToString(CultureInfo.InvariantCulture)}");
        if (Segment is { } seg) parts.Add($"c.segment = {p.Bind(seg)}");
        if (CsmId is { } csm) parts.Add($"c.csm_id = {p.Bind(csm)}");
        return string.Join(" AND ", parts);
    }

    public string SortSql => Sorts[Sort].Sql;
    public string OrderBy => Descending ? $"{SortSql} DESC, c.id DESC" : $"{SortSql}, c.id";

    /// <summary>The query string of this filter (for links), with one key changed or removed.</summary>
    public Dictionary<string, string?> ToQuery() => new(StringComparer.Ordinal)
    {
        ["q"] = Q, ["plan"] = Plan, ["health_below"] = HealthBelow?.ToString(CultureInfo.InvariantCulture), ["at_risk"] = AtRisk ? "true" : null,
        ["segment"] = Segment, ["csm"] = CsmId?.ToString(), ["sort"] = Sort == "name" && !Descending ? null : (Descending ? "-" : "") + Sort,
    };
}

/// <summary>Where the next page of a keyset-paged list starts: the sort value and id of the last row shown.</summary>
public sealed record KeysetCursor(string Value, Guid Id)
{
    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new[] { Value, Id.ToString() }))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static KeysetCursor? Decode(string? text, FieldErrors errors, string field = "after")
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - b64.Length % 4) % 4);
            var parts = JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(Convert.FromBase64String(b64)));
            if (parts is [var v, var id] && Guid.TryParse(id, out var g)) return new KeysetCursor(v, g);
        }
        catch (Exception e) when (e is FormatException or JsonException) { }
        errors.Add(field, "is not a cursor of this list; start from the first page");
        return null;
    }
}
