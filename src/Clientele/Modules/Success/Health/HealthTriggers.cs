using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Health;

/// <summary>
/// Recomputes a customer's health soon after something relevant happens to them (usage, a
/// conversation, an invoice or payment, a subscription, a meeting or QBR, a contact), debounced:
/// one pending request per customer (health_recompute_requests), due at most once per
/// Success:HealthDebounceSeconds (60) after the last computation, run by an outbox job.
/// </summary>
public sealed class HealthEventSubscriber(Outbox outbox, IConfiguration config) : IDomainEventSubscriber
{
    public const string Topic = "success.health_recompute";

    /// <summary>The tables whose changes move a health component (events carry their resource_type).</summary>
    public static readonly HashSet<string> Relevant =
    [
        "usage_metrics", "feature_usage", "usage_events", "conversations", "messages", "invoices", "payments", "subscriptions", "credits",
        "meetings", "qbrs", "customer_contacts", "meeting_analyses", "customers", "risk_signals", "renewal_pipeline",
    ];

    private static readonly HashSet<string> HealthFields = ["health_score", "churn_risk", "updated_at"];

    public TimeSpan Debounce => TimeSpan.FromSeconds(config.GetValue("Success:HealthDebounceSeconds", 60));

    /// <summary>Success:HealthRecomputeOnEvents (true): off, only the sweep and POST recompute_health compute.</summary>
    public bool Enabled => config.GetValue("Success:HealthRecomputeOnEvents", true);

    public async Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct)
    {
        if (!Enabled) return;
        var wanted = events.Where(IsRelevant).GroupBy(e => e.CustomerId!.Value)
            .Select(g => (Customer: g.Key, Reasons: g.Select(e => e.Type).Distinct().Take(10).ToArray())).ToList();
        foreach (var (customer, reasons) in wanted)
            await RequestAsync(job.Session, outbox, customer, reasons, Debounce, ct);
    }

    /// <summary>Not the health computation's own writes (a health-only customer update, an auto-detected signal): they would loop.</summary>
    public static bool IsRelevant(PublishedEvent e) =>
        IsRelevant(e.Type, e.ResourceType, e.CustomerId, e.ChangedFields,
            e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("auto_detected", out var auto) && auto.ValueKind == JsonValueKind.True);

    private static bool IsRelevant(string type, string? resourceType, Guid? customerId, string[] changedFields, bool autoDetected)
    {
        if (customerId is null || resourceType is null || !Relevant.Contains(resourceType)) return false;
        if (resourceType == "customers" && (type.EndsWith(".deleted", StringComparison.Ordinal) || changedFields.Length > 0 && changedFields.All(HealthFields.Contains))) return false;
        if (resourceType == "risk_signals" && autoDetected) return false;
        return true;
    }

    /// <summary>The same relevance, asked at publish time (a message row names no customer: its conversation's events do).</summary>
    public EventInterest InterestIn(EventHead e) =>
        Enabled && IsRelevant(e.Type, e.ResourceType, e.CustomerId, e.ChangedFields,
            e.Data?["auto_detected"] is JsonValue v && v.TryGetValue<bool>(out var auto) && auto) ? EventInterest.Yes : EventInterest.No;

    /// <summary>Asks for a recomputation; the first ask since the last run enqueues the job, later ones only add their reason.</summary>
    public static async Task RequestAsync(TenantSession s, Outbox outbox, Guid customer, string[] reasons, TimeSpan debounce, CancellationToken ct)
    {
        var row = await s.QueryFirstAsync("""
            INSERT INTO health_recompute_requests (id, organization_id, customer_id, due_at, reasons)
            SELECT $1, $2, $3, greatest(now(), coalesce((SELECT h.computed_at FROM customer_health_scores h WHERE h.organization_id = $2 AND h.customer_id = $3)
                                                         + make_interval(secs => $4), now())), $5
            WHERE EXISTS (SELECT 1 FROM customers c WHERE c.organization_id = $2 AND c.id = $3 AND c.deleted_at IS NULL)
            ON CONFLICT (organization_id, customer_id) DO UPDATE
              SET reasons = (SELECT array_agg(DISTINCT x) FROM unnest(health_recompute_requests.reasons || EXCLUDED.reasons) x)
            RETURNING xmax = 0, due_at
            """, [Guid.CreateVersion7(), s.OrganizationId, customer, debounce.TotalSeconds, reasons], r => (Inserted: r.GetBoolean(0), Due: r.GetDateTime(1)), ct);
        if (row.Inserted)
            await outbox.EnqueueAsync(s, Topic, new { customer_id = customer }, ct, DateTime.SpecifyKind(row.Due, DateTimeKind.Utc));
    }
}

/// <summary>Runs a due recomputation request (the outbox row is available at its due time).</summary>
public sealed class HealthRecomputeJob : IJobHandler
{
    private sealed record Payload(Guid CustomerId);

    public string Topic => HealthEventSubscriber.Topic;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var customer = job.Read<Payload>().CustomerId;
        var s = job.Session;
        var reasons = await s.QueryFirstAsync("DELETE FROM health_recompute_requests WHERE organization_id = $1 AND customer_id = $2 RETURNING reasons",
            [s.OrganizationId, customer], r => r.GetFieldValue<string[]>(0), ct);
        if (reasons is null) return; // already run by the sweep or a manual recompute
        await HealthRecompute.RunAsync(s, [customer], DateTime.UtcNow, ("event:" + string.Join(",", reasons.Take(3)))[..Math.Min(50, 6 + string.Join(",", reasons.Take(3)).Length)], ct);
    }
}
