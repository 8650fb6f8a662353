using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Analytics.Experiments;

/// <summary>
/// Puts an agent's new conversations into its running experiment and records how they end, from
/// the domain events (whatever path created or changed the conversation): conversation.created →
/// an ab_tests row with the variant (ExperimentVariants.Pick, deterministic) and what it sets;
/// conversation.resolved or conversation.escalated → the row's outcome (resolved_by_ai, resolved
/// or escalated), metric_value = CSAT when rated, first response time in extra_metadata. Idempotent:
/// one row per conversation and experiment, and an outcome is written once.
/// </summary>
public sealed class ExperimentAssignment : IDomainEventSubscriber
{
    /// <summary>A conversation's start and end (whether its agent runs an experiment is looked up when dispatched).</summary>
    public EventInterest InterestIn(EventHead e) =>
        e.ResourceType == "conversations" && e.Type is "conversation.created" or "conversation.resolved" or "conversation.escalated" ? EventInterest.Yes : EventInterest.No;

    public async Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct)
    {
        var s = job.Session;
        foreach (var e in events)
        {
            if (e.ResourceType != "conversations" || e.ResourceId is not { } conversation) continue;
            if (e.Type == "conversation.created") await AssignAsync(s, conversation, ct);
            else if (e.Type is "conversation.resolved" or "conversation.escalated") await RecordOutcomeAsync(s, conversation, ct);
        }
    }

    public static async Task AssignAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        var found = await s.QueryFirstAsync("""
            SELECT x.test_name, x.variants::text, c.customer_id
            FROM conversations c JOIN agent_experiments x ON x.organization_id = c.organization_id AND x.agent_id = c.agent_id AND x.status = 'running'
            WHERE c.organization_id = $1 AND c.id = $2 AND c.started_at >= x.started_at
            """, [s.OrganizationId, conversationId], r => (Test: r.GetString(0), Variants: r.GetString(1), Customer: r.IsDBNull(2) ? (Guid?)null : r.GetGuid(2)), ct);
        if (found.Test is null) return;
        var variant = ExperimentVariants.Pick(ExperimentVariants.FromStored(found.Variants), found.Test, conversationId);
        await s.ExecuteAsync("""
            INSERT INTO ab_tests (id, organization_id, test_name, variant, customer_id, conversation_id, "timestamp", extra_metadata)
            VALUES ($1, $2, $3, $4, $5, $6, now(), $7)
            ON CONFLICT (organization_id, test_name, conversation_id) WHERE conversation_id IS NOT NULL DO NOTHING
            """, [Guid.CreateVersion7(), s.OrganizationId, found.Test, variant.Name, SqlArg.Uuid(found.Customer), conversationId,
                 new JsonObject { ["assignment"] = "sha256(test_name:conversation_id) mod total weight", ["variant_config"] = variant.ToJson() }], ct);
    }

    public static async Task RecordOutcomeAsync(TenantSession s, Guid conversationId, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            UPDATE ab_tests t SET
              outcome = CASE WHEN c.status = 'escalated' THEN 'escalated'
                             WHEN c.resolved_by_agent IS NOT NULL THEN 'resolved_by_ai' ELSE 'resolved' END,
              metric_value = c.csat_score,
              extra_metadata = coalesce(t.extra_metadata, '{}'::jsonb) || jsonb_build_object(
                'csat', c.csat_score, 'first_response_seconds', c.first_response_time_seconds, 'ended_status', c.status)
            FROM conversations c
            WHERE t.organization_id = $1 AND t.conversation_id = $2 AND t.outcome IS NULL
              AND c.organization_id = t.organization_id AND c.id = t.conversation_id
            """, [s.OrganizationId, conversationId], ct);
    }
}
