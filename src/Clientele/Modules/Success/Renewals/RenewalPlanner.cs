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

    /// <summary>One customer's entry, when the renewal is within the lead time.</summary>
    public sealed record Entry(Guid CustomerId, DateTime RenewalDate, decimal? Arr, string RiskFactors, Guid? OwnerId);

    public static Entry? Plan(HealthEvidence e, IReadOnlyList<DetectedSignal> signals, DateTime now)
    {
        if (RiskDetectors.RenewalDate(e) is not { } renewal) return null;
        if (renewal < now.Date || renewal > now.Date.AddDays(LeadDays)) return null;
        var arr = e.Arr ?? e.SubscriptionArr ?? (e.Mrr is { } m ? m * 12 : null);
        var factors = new JsonArray(signals.Select(x => (JsonNode)$"{x.Type.Replace('_', ' ')} ({x.Severity})").ToArray());
        return new Entry(e.CustomerId, renewal, arr, factors.ToJsonString(), e.CsmId);
    }

    /// <summary>The entries of a set of customers as one upsert (not a statement per customer).</summary>
    public static void Write(TenantSession s, IReadOnlyList<Entry> entries, List<NpgsqlBatchCommand> batch)
    {
        if (entries.Count == 0) return;
        batch.Add(SqlArg.Batch("""
            INSERT INTO renewal_pipeline (id, organization_id, customer_id, renewal_date, current_arr, risk_factors, owner_id, notes)
            SELECT gen_random_uuid(), $1, x.customer_id, x.renewal_date, x.arr, x.risk_factors, x.owner_id, 'Created by the health computation 120 days before renewal'
            FROM unnest($2::uuid[], $3::date[], $4::numeric[], $5::jsonb[], $6::uuid[]) AS x(customer_id, renewal_date, arr, risk_factors, owner_id)
            ON CONFLICT (organization_id, customer_id, renewal_date) DO UPDATE
              SET current_arr = coalesce(EXCLUDED.current_arr, renewal_pipeline.current_arr), risk_factors = EXCLUDED.risk_factors, probability = NULL
              WHERE renewal_pipeline.stage NOT IN ('renewed', 'churned')
            """, s.OrganizationId, entries.Select(x => x.CustomerId).ToArray(),
            SqlArg.Typed(entries.Select(x => x.RenewalDate.Date).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Date),
            SqlArg.Typed(entries.Select(x => x.Arr).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Numeric),
            SqlArg.Typed(entries.Select(x => x.RiskFactors).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb),
            SqlArg.Typed(entries.Select(x => x.OwnerId).ToArray(), NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid)));
    }
}
