using Clientele.Platform.Database;
using Clientele.Platform.WebConsole;

namespace Clientele.Modules.Sales.Pages;

/// <summary>/app/leads: leads by score (highest first) with their status, owner and source; filter by status.</summary>
public sealed class LeadsModel : ConsolePage
{
    public static readonly string[] Statuses = ["new", "mql", "sql", "qualified", "disqualified", "converted"];

    public sealed record Row(Guid Id, string Name, string? Company, int Score, string Status, string? Owner, string? Source, DateTime CreatedAt);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public string? Status { get; private set; }
    public IReadOnlyDictionary<string, long> Counts { get; private set; } = new Dictionary<string, long>();

    public async Task OnGetAsync(string? status)
    {
        Status = Statuses.Contains(status) ? status : null;
        await using var s = OpenSession();
        Rows = await s.ReadListAsync("""
            SELECT l.id, coalesce(l.name, l.email, l.phone, 'Lead'), l.company, l.lead_score, l.qualification_status, coalesce(u.name, u.email), l.source, l.created_at
            FROM leads l LEFT JOIN users u ON u.organization_id = l.organization_id AND u.id = l.assigned_to
            WHERE l.organization_id = $1 AND l.deleted_at IS NULL AND ($2::text IS NULL OR l.qualification_status = $2)
            ORDER BY l.lead_score DESC, l.created_at DESC, l.id LIMIT 500
            """, [s.OrganizationId, SqlArg.Text(Status)], r => new Row(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3),
                r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetDateTime(7)), Aborted);
        Counts = (await s.ReadListAsync("SELECT qualification_status, count(*) FROM leads WHERE organization_id = $1 AND deleted_at IS NULL GROUP BY 1",
            [s.OrganizationId], r => (r.GetString(0), r.GetInt64(1)), Aborted)).ToDictionary(x => x.Item1, x => x.Item2);
    }
}
