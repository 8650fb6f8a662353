using System.Text.Json.Nodes;
using Clientele.Modules.Success.Renewals;
using Clientele.Modules.Success.SavePlays;
using Clientele.Modules.Success.Segments;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Npgsql;

namespace Clientele.Modules.Success.Health;

/// <summary>What one customer's recomputation came to.</summary>
public sealed record CustomerHealthOutcome(Guid CustomerId, HealthModelConfig Model, HealthResult Result, bool ScoreChanged,
    IReadOnlyList<HealthEventRow> Events, IReadOnlyList<DetectedSignal> Signals, RiskSignalWriter.Changes SignalChanges);

/// <summary>
/// Recomputes the health of a set of customers in the caller's transaction, set-based (one
/// evidence query, one batch of writes): customer_health_scores (always), customers.health_score
/// and churn_risk (when they change), health_score_history (when the score changes),
/// customer_health_events (past the thresholds), risk signals opened and resolved, system segments kept current,
/// expansion opportunities detected, and
/// customers.updated / customer.health_changed / risk_signal.* events.
/// </summary>
public static class HealthRecompute
{
    public static async Task<List<CustomerHealthOutcome>> RunAsync(TenantSession s, IReadOnlyCollection<Guid> customers, DateTime now, string detectedBy, CancellationToken ct)
    {
        if (customers.Count == 0) return [];
        var models = await HealthModelConfig.LoadAsync(s, ct);
        var evidence = await HealthEvidence.ReadAsync(s, customers, now, ct);
        if (evidence.Count == 0) return [];
        var ids = evidence.Select(e => e.CustomerId).ToArray();
        var previous = (await s.QueryAsync("""
            SELECT customer_id, score, churn_risk, (components->'engagement'->>'score')::int, (components->'usage'->>'dau_change_percent')::float8
            FROM customer_health_scores WHERE organization_id = $1 AND customer_id = ANY($2)
            """, [s.OrganizationId, ids], r => (Id: r.GetGuid(0), P: new HealthEvents.Previous(r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? null : r.GetDecimal(2),
                r.IsDBNull(3) ? null : r.GetInt32(3), r.IsDBNull(4) ? null : r.GetDouble(4))), ct)).ToDictionary(x => x.Id, x => x.P);
        var open = await RiskSignalWriter.OpenAsync(s, ids, ct);

        var outcomes = new List<CustomerHealthOutcome>(evidence.Count);
        var batch = new List<NpgsqlBatchCommand>();
        var events = new List<DomainEventInput>();
        var risky = new List<(HealthEvidence E, HealthResult R, List<DetectedSignal> S)>();
        var renewals = new List<RenewalPlanner.Entry>();
        var segments = new Dictionary<Guid, List<SegmentRules.Assigned>>(evidence.Count);
        // The per-customer rows of the three tables every computation writes, as one statement each (below).
        var scores = new JsonArray();
        var customerUpdates = new JsonArray();
        var history = new JsonArray();
        foreach (var e in evidence)
        {
            // System segments that do not depend on the score come first: the health model may be chosen by them.
            var assigned = SegmentRules.BeforeScore(e);
            var model = models.For(e.Segment, assigned.Select(a => a.Name));
            var first = HealthScoring.Compute(e, model, now);
            var detected = RiskDetectors.Detect(e, first.Score, model.Thresholds, now);
            var manualHigh = open.GetValueOrDefault(e.CustomerId)?.Count(o => !o.AutoDetected && o.Severity is "high" or "critical") ?? 0;
            var high = detected.Count(d => d.Severity is "high" or "critical") + manualHigh;
            var result = first.Score is { } sc ? first with { ChurnRisk = HealthScoring.ChurnRisk(sc, e, now, high) } : first;
            previous.TryGetValue(e.CustomerId, out var before);
            var healthEvents = HealthEvents.Between(before, result, e.DauChangePercent, model.Thresholds);
            var changed = before is null ? result.Score is not null : before.Score != result.Score;
            var components = result.ComponentsJson();
            components["usage"]!["dau_change_percent"] = e.DauChangePercent;

            scores.Add(new JsonObject
            {
                ["id"] = Guid.CreateVersion7(), ["customer_id"] = e.CustomerId, ["model_id"] = model.Id, ["model_name"] = model.Name,
                ["score"] = result.Score, ["churn_risk"] = result.ChurnRisk, ["confidence"] = result.Confidence, ["components"] = components,
            });
            if (result.Score is { } score && (e.HealthScore != score || e.ChurnRisk != result.ChurnRisk))
            {
                customerUpdates.Add(new JsonObject { ["id"] = e.CustomerId, ["health_score"] = score, ["churn_risk"] = result.ChurnRisk!.Value });
                var data = new JsonObject
                {
                    ["id"] = e.CustomerId, ["name"] = e.Name, ["segment"] = e.Segment, ["health_score"] = score, ["churn_risk"] = result.ChurnRisk,
                    ["arr"] = e.Arr, ["mrr"] = e.Mrr, ["health_confidence"] = result.Confidence,
                };
                var prev = new JsonObject();
                if (e.HealthScore != score) prev["health_score"] = e.HealthScore;
                if (e.ChurnRisk != result.ChurnRisk) prev["churn_risk"] = e.ChurnRisk;
                events.Add(new DomainEventInput("customers.updated", "customers", e.CustomerId, data, prev));
                foreach (var name in NamedEvents.Derive("customers", "updated", data, prev))
                    events.Add(new DomainEventInput(name, "customers", e.CustomerId, data.DeepClone().AsObject(), prev.DeepClone().AsObject()));
            }
            if (changed && result.Score is { } recorded)
                history.Add(new JsonObject { ["id"] = Guid.CreateVersion7(), ["customer_id"] = e.CustomerId, ["score"] = recorded, ["components"] = components.DeepClone() });
            foreach (var h in healthEvents)
                batch.Add(SqlArg.Batch("""
                    INSERT INTO customer_health_events (id, organization_id, customer_id, event_type, old_value, new_value, reason, detected_by, severity, extra_metadata)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    """, Guid.CreateVersion7(), s.OrganizationId, e.CustomerId, h.Type, SqlArg.Typed(h.OldValue, NpgsqlTypes.NpgsqlDbType.Numeric),
                    SqlArg.Typed(h.NewValue, NpgsqlTypes.NpgsqlDbType.Numeric), h.Reason, detectedBy, h.Severity, h.Metadata));
            var signalChanges = RiskSignalWriter.Plan(s, e.CustomerId, detected, open.GetValueOrDefault(e.CustomerId) ?? [], now, batch, events);
            if (RenewalPlanner.Plan(e, detected, now) is { } renewal) renewals.Add(renewal);
            var becameHigh = result.Confidence >= SavePlayProposer.MinConfidence && SavePlayProposer.IsHigh(result.Score, result.ChurnRisk, model.Thresholds)
                             && (before is null || !SavePlayProposer.IsHigh(before.Score, before.ChurnRisk, model.Thresholds));
            if (becameHigh) risky.Add((e, result, detected));
            if (SegmentRules.Risk(result) is { } riskSegment) assigned.Add(riskSegment);
            segments[e.CustomerId] = assigned;
            outcomes.Add(new CustomerHealthOutcome(e.CustomerId, model, result, changed, healthEvents, detected, signalChanges));
        }
        // First in the batch, as they were first per customer: the latest score, the customer's columns, the history.
        batch.InsertRange(0, SetBased(s.OrganizationId, now, scores, customerUpdates, history));
        RenewalPlanner.Write(s, renewals, batch);
        SegmentWriter.Plan(s, segments, now, batch);
        var conn = await s.BeginAsync(ct);
        foreach (var chunk in batch.Chunk(500))
        {
            await using var b = new NpgsqlBatch(conn, s.Transaction);
            foreach (var c in chunk) b.BatchCommands.Add(c);
            await b.ExecuteNonQueryAsync(ct);
        }
        foreach (var chunk in events.Chunk(500)) await DomainEvents.PublishAsync(s, chunk, ct);
        // Risk that just became high: a save play proposed in the approval queue (a person decides).
        foreach (var (e, r, detected) in risky) await SavePlayProposer.ProposeAsync(s, e, r, detected, now, ct);
        // Expansion from the same rows: seats nearly all used, usage growing (one opportunity per cause).
        await Expansion.ExpansionDetector.RunAsync(s, ids, now, ct);
        return outcomes;
    }

    /// <summary>One statement per table for the whole set of customers (jsonb_to_recordset), not one per customer.</summary>
    private static IEnumerable<NpgsqlBatchCommand> SetBased(Guid org, DateTime now, JsonArray scores, JsonArray customerUpdates, JsonArray history)
    {
        if (scores.Count > 0)
            yield return SqlArg.Batch("""
                INSERT INTO customer_health_scores (id, organization_id, customer_id, model_id, model_name, score, churn_risk, confidence, components, computed_at)
                SELECT x.id, $1, x.customer_id, x.model_id, x.model_name, x.score, x.churn_risk, x.confidence, x.components, $3
                FROM jsonb_to_recordset($2) AS x(id uuid, customer_id uuid, model_id uuid, model_name text, score integer, churn_risk numeric, confidence numeric, components jsonb)
                ON CONFLICT (organization_id, customer_id) DO UPDATE SET model_id = EXCLUDED.model_id, model_name = EXCLUDED.model_name, score = EXCLUDED.score,
                  churn_risk = EXCLUDED.churn_risk, confidence = EXCLUDED.confidence, components = EXCLUDED.components, computed_at = EXCLUDED.computed_at
                """, org, scores, now);
        if (customerUpdates.Count > 0)
            yield return SqlArg.Batch("""
                UPDATE customers c SET health_score = x.health_score, churn_risk = x.churn_risk
                FROM jsonb_to_recordset($2) AS x(id uuid, health_score integer, churn_risk numeric)
                WHERE c.organization_id = $1 AND c.id = x.id
                """, org, customerUpdates);
        if (history.Count > 0)
            yield return SqlArg.Batch("""
                INSERT INTO health_score_history (id, organization_id, customer_id, score, components, recorded_at)
                SELECT x.id, $1, x.customer_id, x.score, x.components, $3
                FROM jsonb_to_recordset($2) AS x(id uuid, customer_id uuid, score integer, components jsonb)
                """, org, history, now);
    }
}
