using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// Reference columns of an import resolved to ids, cached for the run: a company's industry by name
/// (created when new: industries are a name list), a prospect's company by name (and website when
/// given), created with its industry and size when the file describes one it does not know yet.
/// </summary>
public sealed class References(TenantSession s)
{
    private readonly Dictionary<string, Guid> _industries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Guid> _companies = new(StringComparer.OrdinalIgnoreCase);

    public readonly record struct Problem(string Field, string Message);

    /// <summary>Fills the ids into body; a problem naming the column when a reference cannot be resolved.</summary>
    public async Task<Problem?> ResolveAsync(string table, JsonObject body, Dictionary<string, string> cells, CancellationToken ct)
    {
        switch (table)
        {
            case "companies" when cells.TryGetValue("industry", out var industry):
                if (industry.Length > 255) return new("industry", "is longer than 255 characters");
                body["industry_id"] = (await IndustryAsync(industry, ct)).ToString();
                break;
            case "prospects" when cells.TryGetValue("company", out var company):
                if (company.Length > 255) return new("company", "is longer than 255 characters");
                cells.TryGetValue("company_website", out var website);
                var key = company + "\n" + (website ?? "");
                if (!_companies.TryGetValue(key, out var id))
                {
                    var found = await s.QueryFirstAsync("""
                        SELECT id FROM companies WHERE organization_id = $1 AND lower(name) = lower($2) AND ($3::text IS NULL OR lower(coalesce(website, '')) = lower($3))
                        ORDER BY created_at LIMIT 1
                        """, [s.OrganizationId, company, SqlArg.Text(website)], r => (Guid?)r.GetGuid(0), ct);
                    if (found is null)
                    {
                        if (!cells.TryGetValue("industry", out var ind))
                            return new("company", $"no company named \"{company}\": import companies first, or add an industry column so the import creates it");
                        if (ind.Length > 255 || website is { Length: > 255 } || cells.GetValueOrDefault("company_size") is { Length: > 255 })
                            return new("company", "its industry, website or size is longer than 255 characters");
                        found = Guid.CreateVersion7();
                        await s.ExecuteAsync("INSERT INTO companies (id, organization_id, name, industry_id, size, website) VALUES ($1, $2, $3, $4, $5, $6)",
                            [found.Value, s.OrganizationId, company, await IndustryAsync(ind, ct), cells.GetValueOrDefault("company_size") ?? "unknown", SqlArg.Text(website)], ct);
                    }
                    _companies[key] = id = found.Value;
                }
                body["company_id"] = id.ToString();
                break;
        }
        return null;
    }

    private async Task<Guid> IndustryAsync(string name, CancellationToken ct)
    {
        if (_industries.TryGetValue(name, out var id)) return id;
        id = await s.QueryFirstAsync("""
            WITH made AS (INSERT INTO industries (id, organization_id, name) VALUES ($1, $2, $3) ON CONFLICT (organization_id, name) DO NOTHING RETURNING id)
            SELECT id FROM made UNION ALL SELECT id FROM industries WHERE organization_id = $2 AND name = $3 LIMIT 1
            """, [Guid.CreateVersion7(), s.OrganizationId, name], r => r.GetGuid(0), ct);
        return _industries[name] = id;
    }
}
