using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Prospecting.Research;

/// <summary>Where a fact came from: a table, a row and (optionally) a column, so a rep can open and check it.</summary>
public sealed record FactSource(string Table, Guid Id, string? Field = null)
{
    public JsonObject ToJson() => new() { ["table"] = Table, ["id"] = Id.ToString(), ["field"] = Field };
}

public sealed record InteractionFact(Guid Id, string Type, DateTime Date, string Subject, string Content, string? Sentiment, string? Outcome, Guid? EventId);

public sealed record EventFact(Guid Id, string Type, DateTime Date, string Description, string Location, string Status,
    IReadOnlyList<string> TargetIndustries, IReadOnlyList<string> TargetRoles, IReadOnlyList<string> SolutionsFeatured, bool Attended);

public sealed record SolutionFact(Guid Id, string Name, string Category, string Description, IReadOnlyList<string> UseCases, IReadOnlyList<string> Keywords,
    Guid? IndustrySolutionId);

/// <summary>Everything the assistant knows about one prospect, read in the caller's transaction (RLS keeps it in the tenant).</summary>
public sealed record ProspectFacts(Guid ProspectId, string FullName, string Email, string? JobTitle, string? Location, string Status,
    Guid CompanyId, string Company, string Size, string? Website, Guid IndustryId, string Industry,
    IReadOnlyList<InteractionFact> Interactions, IReadOnlyList<EventFact> Events, IReadOnlyList<SolutionFact> Solutions)
{
    public string FirstName => FullName.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? FullName;

    public static async Task<ProspectFacts?> ReadAsync(TenantSession s, Guid prospectId, DateTime now, CancellationToken ct)
    {
        var head = await s.QueryFirstAsync("""
            SELECT p.full_name, p.email, p.job_title, p.location, p.status, c.id, c.name, c.size, c.website, i.id, i.name
            FROM prospects p
            JOIN companies c ON c.organization_id = p.organization_id AND c.id = p.company_id
            JOIN industries i ON i.organization_id = c.organization_id AND i.id = c.industry_id
            WHERE p.organization_id = $1 AND p.id = $2
            """, [s.OrganizationId, prospectId], r => new Head(r.GetString(0), r.GetString(1), Str(r, 2), Str(r, 3), r.GetString(4),
                r.GetGuid(5), r.GetString(6), r.GetString(7), Str(r, 8), r.GetGuid(9), r.GetString(10)), ct);
        if (head is null) return null;

        var interactions = await s.QueryAsync("""
            SELECT id, interaction_type, interaction_date, subject, content, sentiment, outcome, event_id FROM interactions
            WHERE organization_id = $1 AND prospect_id = $2 ORDER BY interaction_date DESC, id DESC LIMIT 10
            """, [s.OrganizationId, prospectId], r => new InteractionFact(r.GetGuid(0), r.GetString(1), Utc(r.GetDateTime(2)), r.GetString(3), r.GetString(4),
                Str(r, 5), Str(r, 6), r.IsDBNull(7) ? null : r.GetGuid(7)), ct);

        // Events the prospect took part in, and coming events aimed at the prospect's industry.
        var events = await s.QueryAsync("""
            SELECT e.id, e.event_type, e.event_date, e.description, e.location, e.status,
                   coalesce(e.target_industries, '[]')::text, coalesce(e.target_roles, '[]')::text, coalesce(e.solutions_featured, '[]')::text,
                   EXISTS (SELECT 1 FROM interactions x WHERE x.organization_id = e.organization_id AND x.prospect_id = $2 AND x.event_id = e.id)
            FROM events e
            WHERE e.organization_id = $1
              AND (EXISTS (SELECT 1 FROM interactions x WHERE x.organization_id = e.organization_id AND x.prospect_id = $2 AND x.event_id = e.id)
                   OR (e.status IN ('planned', 'upcoming') AND e.event_date >= $4 AND jsonb_typeof(e.target_industries) = 'array'
                       AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.target_industries) t WHERE lower(t) = lower($3))))
            ORDER BY e.event_date, e.id LIMIT 10
            """, [s.OrganizationId, prospectId, head.Industry, now], r => new EventFact(r.GetGuid(0), r.GetString(1), Utc(r.GetDateTime(2)), r.GetString(3),
                r.GetString(4), r.GetString(5), Strings(r.GetString(6)), Strings(r.GetString(7)), Strings(r.GetString(8)), r.GetBoolean(9)), ct);

        var solutions = await s.QueryAsync("""
            SELECT so.id, so.name, so.category, so.description, coalesce(so.use_cases, '[]')::text, coalesce(so.keywords, '[]')::text, link.id
            FROM solutions so
            LEFT JOIN industry_solutions link ON link.organization_id = so.organization_id AND link.solution_id = so.id AND link.industry_id = $2
            WHERE so.organization_id = $1 ORDER BY so.name, so.id LIMIT 500
            """, [s.OrganizationId, head.IndustryId], r => new SolutionFact(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3),
                Strings(r.GetString(4)), Strings(r.GetString(5)), r.IsDBNull(6) ? null : r.GetGuid(6)), ct);

        return new ProspectFacts(prospectId, head.Name, head.Email, head.Title, head.Location, head.Status, head.CompanyId, head.Company, head.Size, head.Website,
            head.IndustryId, head.Industry, interactions, events, solutions);
    }

    /// <summary>The strings of a JSON array (seed 004 keeps keywords, use cases and targets as jsonb lists); anything else is no strings.</summary>
    public static IReadOnlyList<string> Strings(string json) =>
        JsonNode.Parse(json) is JsonArray a
            ? a.Select(n => n is JsonValue v && v.TryGetValue<string>(out var t) ? t.Trim() : null).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList()
            : [];

    private sealed record Head(string Name, string Email, string? Title, string? Location, string Status, Guid CompanyId, string Company, string Size,
        string? Website, Guid IndustryId, string Industry);

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTime Utc(DateTime d) => DateTime.SpecifyKind(d, DateTimeKind.Utc);
}
