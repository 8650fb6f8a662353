using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Modules.Success.Qbrs;
using Clientele.Modules.Success.SavePlays;
using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// What the copilot adds to its brief for the customer-success questions (issue 11 item 11): the
/// health explanation (the same as GET /customers/{id}/health), the QBR draft of the last full
/// quarter (QbrPreparer.DraftAsync, nothing written) and the playbooks matching the open risk signals
/// (SavePlayProposer.MatchAsync). The answers quote these numbers, not a generic overview.
/// </summary>
public static class SuccessBrief
{
    public static async Task<BriefSuccess> ReadAsync(TenantSession s, Guid customer, DateTime now, CancellationToken ct)
    {
        BriefHealthWhy? why = null;
        if (await HealthExplanation.ReadAsync(s, customer, ct) is { } h)
        {
            var trend = h["trend"] as JsonArray ?? [];
            var first = trend.FirstOrDefault();
            var components = (h["components"] as JsonObject ?? []).Select(kv =>
            {
                var c = kv.Value!;
                var facts = (c["evidence"] as JsonArray ?? []).Where(e => e is JsonObject).Select(e =>
                {
                    var points = e!["points"] is JsonValue pv && pv.TryGetValue<double>(out var p) ? p : 0;
                    return (Text: $"{e["fact"]}" + (points != 0 ? $" ({points.ToString("+0;-0", CultureInfo.InvariantCulture)})" : ""), Points: points);
                }).OrderBy(x => x.Points).Select(x => x.Text).Take(4).ToList();
                return new BriefComponent(kv.Key, Int(c["score"]) ?? 0, Dbl(c["weight"]), Dbl(c["contribution"]), facts) { };
            }).Where(c => (h["components"]![c.Name]?["has_data"]?.GetValue<bool>() ?? false))
              .OrderBy(c => c.Score).ToList();
            why = new BriefHealthWhy(Int(h["score"]), Int(first?["score"]), first?["recorded_at"] is JsonValue at && at.TryGetValue<DateTime>(out var d) ? DateOnly.FromDateTime(d) : null,
                h["confidence"] is JsonValue cv && cv.TryGetValue<decimal>(out var conf) ? conf : 0, h["summary"]?.GetValue<string>(), components);
        }

        var today = DateOnly.FromDateTime(now);
        var lastQuarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1).AddMonths(-3);
        var draft = await QbrPreparer.DraftAsync(s, customer, lastQuarter, now, ct);
        static List<string> Texts(JsonArray a) => a.Select(x => x is JsonObject o ? $"{o["item"]}" + (o["due"] is { } due ? $" (by {due})" : "") : x?.ToString() ?? "").Where(x => x.Length > 0).ToList();
        var qbr = new BriefQbrPrep(draft.Quarter, draft.Summary, Texts(draft.Wins), Texts(draft.Challenges), Texts(draft.Actions));

        var signals = await s.QueryAsync("""
            SELECT signal_type, coalesce(description, signal_type) FROM risk_signals WHERE organization_id = $1 AND customer_id = $2 AND resolved_at IS NULL
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, detected_at DESC
            """, [s.OrganizationId, customer], r => (Type: r.GetString(0), Description: r.GetString(1)), ct);
        var playbooks = (await SavePlayProposer.MatchAsync(s, signals.Select(x => x.Type).ToList(), 3, ct))
            .Where(p => p.Rank > 0)
            .Select(p => new BriefPlaybook(p.Title, p.Category, Math.Round(p.Rank, 3),
                signals.Where(x => SavePlayProposer.CategoryOf(x.Type) is { } cat && cat == p.Category).Select(x => x.Description).ToList(),
                SavePlayProposer.Steps(p.Content).ToList()))
            .ToList();
        return new BriefSuccess(why, qbr, playbooks);
    }

    private static int? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue<int>(out var i) ? i : n is JsonValue d && d.TryGetValue<double>(out var x) ? (int)Math.Round(x) : null;
    private static double Dbl(JsonNode? n) => n is JsonValue v && v.TryGetValue<double>(out var x) ? x : 0;
}
