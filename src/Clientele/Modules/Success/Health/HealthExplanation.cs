using System.Text.Json.Nodes;
using Clientele.Platform.Database;

namespace Clientele.Modules.Success.Health;

/// <summary>
/// The current score explained, as GET /api/v1/customers/{id}/health and the console's customer
/// page show it: the latest computation (computed now when there is none), its model, each
/// component's weight, share of the score and evidence, the trend from health_score_history, the
/// open risk signals and the recent health events.
/// </summary>
public static class HealthExplanation
{
    public static async Task<JsonObject?> ReadAsync(TenantSession s, Guid customer, CancellationToken ct)
    {
        var latest = await LatestAsync(s, customer, ct);
        if (latest is null)
        {
            if (!await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL)", [s.OrganizationId, customer], ct))
                return null;
            await HealthRecompute.RunAsync(s, [customer], DateTime.UtcNow, "api", ct);
            latest = await LatestAsync(s, customer, ct);
            if (latest is null) return null;
        }
        var components = latest["components"]!.AsObject();
        var present = components.Where(c => c.Value?["has_data"]?.GetValue<bool>() == true).Sum(c => c.Value!["weight"]!.GetValue<double>());
        foreach (var (_, c) in components)
        {
            var hasData = c!["has_data"]!.GetValue<bool>();
            var w = c["weight"]!.GetValue<double>();
            c["effective_weight"] = hasData && present > 0 ? Math.Round(w / present, 3) : 0;
            c["contribution"] = hasData && present > 0 ? Math.Round(c["score"]!.GetValue<int>() * w / present, 1) : 0;
        }
        var trend = await s.QueryAsync("""
            SELECT score, recorded_at FROM (SELECT score, recorded_at FROM health_score_history WHERE organization_id = $1 AND customer_id = $2
            ORDER BY recorded_at DESC LIMIT 30) h ORDER BY recorded_at
            """, [s.OrganizationId, customer], r => (JsonNode)new JsonObject { ["score"] = r.GetInt32(0), ["recorded_at"] = r.GetDateTime(1) }, ct);
        var signals = await s.QueryAsync("""
            SELECT id, signal_type, severity, description, detected_at, auto_detected, source FROM risk_signals
            WHERE organization_id = $1 AND customer_id = $2 AND resolved_at IS NULL
            ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, detected_at DESC
            """, [s.OrganizationId, customer], r => (JsonNode)new JsonObject
            {
                ["id"] = r.GetGuid(0), ["signal_type"] = r.GetString(1), ["severity"] = r.GetString(2), ["description"] = r.IsDBNull(3) ? null : r.GetString(3),
                ["detected_at"] = r.GetDateTime(4), ["auto_detected"] = r.GetBoolean(5), ["source"] = r.IsDBNull(6) ? null : r.GetString(6),
            }, ct);
        var events = await s.QueryAsync("""
            SELECT event_type, old_value, new_value, severity, reason, created_at FROM customer_health_events
            WHERE organization_id = $1 AND customer_id = $2 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 10
            """, [s.OrganizationId, customer], r => (JsonNode)new JsonObject
            {
                ["event_type"] = r.GetString(0), ["old_value"] = r.IsDBNull(1) ? null : r.GetDecimal(1), ["new_value"] = r.IsDBNull(2) ? null : r.GetDecimal(2),
                ["severity"] = r.GetString(3), ["reason"] = r.IsDBNull(4) ? null : r.GetString(4), ["created_at"] = r.GetDateTime(5),
            }, ct);
        latest["trend"] = new JsonArray(trend.ToArray());
        latest["trend_direction"] = Direction(trend);
        latest["open_risk_signals"] = new JsonArray(signals.ToArray());
        latest["recent_health_events"] = new JsonArray(events.ToArray());
        latest["summary"] = Summary(latest);
        return latest;
    }

    private static async Task<JsonObject?> LatestAsync(TenantSession s, Guid customer, CancellationToken ct) =>
        await s.QueryFirstAsync("""
            SELECT h.customer_id, coalesce(c.company_name, c.name, c.email), h.score, h.churn_risk, h.confidence, h.model_id, h.model_name, m.segment,
                   h.components::text, h.computed_at, c.health_score
            FROM customer_health_scores h
            JOIN customers c ON c.organization_id = h.organization_id AND c.id = h.customer_id AND c.deleted_at IS NULL
            LEFT JOIN health_models m ON m.organization_id = h.organization_id AND m.id = h.model_id
            WHERE h.organization_id = $1 AND h.customer_id = $2
            """, [s.OrganizationId, customer], r => new JsonObject
            {
                ["customer_id"] = r.GetGuid(0), ["customer_name"] = r.IsDBNull(1) ? null : r.GetString(1),
                ["score"] = r.IsDBNull(2) ? null : r.GetInt32(2), ["churn_risk"] = r.IsDBNull(3) ? null : r.GetDecimal(3), ["confidence"] = r.GetDecimal(4),
                ["model"] = new JsonObject { ["id"] = r.IsDBNull(5) ? null : r.GetGuid(5), ["name"] = r.GetString(6), ["segment"] = r.IsDBNull(7) ? null : r.GetString(7) },
                ["components"] = JsonNode.Parse(r.GetString(8)), ["computed_at"] = r.GetDateTime(9),
            }, ct);

    private static string Direction(List<JsonNode> trend)
    {
        if (trend.Count < 2) return "flat";
        var d = trend[^1]!["score"]!.GetValue<int>() - trend[^2]!["score"]!.GetValue<int>();
        return d > 0 ? "up" : d < 0 ? "down" : "flat";
    }

    /// <summary>"Health 42 (confidence 0.85). Lowest: billing 25 (2 overdue invoices ...); support 40 (...)."</summary>
    private static string Summary(JsonObject h)
    {
        if (h["score"] is null) return "No health score yet: no usage, support, billing, engagement or seat data for this customer.";
        var worst = h["components"]!.AsObject().Where(c => c.Value!["has_data"]!.GetValue<bool>())
            .OrderBy(c => c.Value!["score"]!.GetValue<int>()).Take(2)
            .Select(c =>
            {
                var neg = c.Value!["evidence"]!.AsArray().Where(e => e!["points"]!.GetValue<int>() < 0).OrderBy(e => e!["points"]!.GetValue<int>()).FirstOrDefault();
                return $"{c.Key} {c.Value["score"]}" + (neg is null ? "" : $" ({neg["fact"]})");
            });
        return $"Health {h["score"]} (confidence {h["confidence"]}). Lowest: {string.Join("; ", worst)}.";
    }
}
