using Clientele.Platform.Database;

namespace Clientele.Modules.Sales.Leads;

/// <summary>
/// A lead's score explained: the parts the database sums into leads.lead_score on every write
/// (sales_lead_score_parts, migration 0050), each with its points, its maximum and the reason.
/// The same function computes the stored score, so the explanation can never disagree with it.
/// </summary>
public static class LeadScore
{
    public sealed record Part(string Component, int Points, int MaxPoints, string Reason);

    public sealed record Explained(Guid LeadId, int Score, string Basis, string Band, IReadOnlyList<Part> Parts);

    /// <summary>Hot 70+, warm 40-69, cold below 40 (the console's colours).</summary>
    public static string BandOf(int score) => score >= 70 ? "hot" : score >= 40 ? "warm" : "cold";

    public static async Task<Explained?> ExplainAsync(TenantSession s, Guid leadId, CancellationToken ct)
    {
        var parts = await s.ReadListAsync("""
            SELECT p.component, p.points, p.max_points, p.reason
            FROM leads l, sales_lead_score_parts(l) p
            WHERE l.organization_id = $1 AND l.id = $2 AND l.deleted_at IS NULL
            """, [s.OrganizationId, leadId], r => new Part(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetString(3)), ct);
        if (parts.Count == 0) return null;
        var score = Math.Clamp(parts.Sum(p => p.Points), 0, 100);
        var basis = parts.Any(p => p.Component == "conversation") ? "conversation" : "profile";
        return new Explained(leadId, score, basis, BandOf(score), parts);
    }
}
