using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Modules.Success.Renewals;

/// <summary>
/// Keeps the renewal pipeline in step with health (issue 11 item 3): a renewal_pipeline entry is
/// created once, when the customer's renewal date (customers.renewal_date, else the annual
/// subscription's period end) is 120 days away or less; while it is open, each health computation
/// refreshes its current ARR, risk factors and probability (written empty, so the 0046 trigger
/// derives it from the new health and the checklist).
/// </summary>
public static class RenewalPlanner
{
    public const int LeadDays = 120;

    public static void Plan(TenantSession s, HealthEvidence e, IReadOnlyList<DetectedSignal> signals, DateTime now, List<NpgsqlBatchCommand> batch)
    {
        if (RiskDetectors.RenewalDate(e) is not { } renewal) return;
        if (renewal < now.Date || renewal > now.Date.AddDays(LeadDays)) return;
        var arr = e.Arr ?? e.SubscriptionArr ?? (e.Mrr is { } m ? m * 12 : null);
        var factors = new JsonArray(signals.Select(x => (JsonNode)$"{x.Type.Replace('_', ' ')} ({x.Severity})").ToArray());
        batch.Add(SqlArg.Batch("""
            INSERT INTO renewal_pipeline (id, organization_id, customer_id, renewal_date, current_arr, risk_factors, owner_id, notes)
            VALUES ($1, $2, $3, $4::date, $5, $6, $7, 'Created by the health computation 120 days before renewal')
            ON CONFLICT (organization_id, customer_id, renewal_date) DO UPDATE
              SET current_arr = coalesce(EXCLUDED.current_arr, renewal_pipeline.current_arr), risk_factors = EXCLUDED.risk_factors, probability = NULL
              WHERE renewal_pipeline.stage NOT IN ('renewed', 'churned')
            """, Guid.CreateVersion7(), s.OrganizationId, e.CustomerId, renewal, SqlArg.Typed(arr, NpgsqlTypes.NpgsqlDbType.Numeric), factors, SqlArg.Uuid(e.CsmId)));
    }
}
