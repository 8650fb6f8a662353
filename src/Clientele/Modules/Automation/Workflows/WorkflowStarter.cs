using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// Starts workflows from delivered domain events, in the dispatch job's transaction:
/// event_based when the event matches trigger_config (the trigger condition language);
/// condition_based when a customer event makes trigger_config.condition true that was not true
/// before it (a transition, so a customer already below a threshold does not start it again);
/// time_based when its scheduled task fires (scheduled_task.fired). Events caused by automation
/// start nothing (no loops); one event starts a workflow at most once.
/// </summary>
public sealed class WorkflowStarter(Outbox outbox) : IDomainEventSubscriber
{
    private sealed record Listening(Guid Id, string TriggerType, JsonObject? Config);

    /// <summary>Only through the organization's active workflows; never on what automation itself caused.</summary>
    public EventInterest InterestIn(EventHead e) => e.ActorType == "automation" ? EventInterest.No : EventInterest.WhenOrganizationAutomates;

    public async Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct)
    {
        var relevant = events.Where(e => e.ActorType != "automation").ToList();
        if (relevant.Count == 0) return;
        var s = job.Session;
        var workflows = new List<Listening>();
        await using (var cmd = await s.CommandAsync("""
            SELECT id, trigger_type, trigger_config::text FROM workflows
            WHERE organization_id = $1 AND is_active AND deleted_at IS NULL AND trigger_type IN ('event_based', 'condition_based', 'time_based')
            """, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) workflows.Add(new Listening(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : JsonNode.Parse(r.GetString(2)) as JsonObject));
        }
        if (workflows.Count == 0) return;
        foreach (var e in relevant)
            foreach (var w in workflows)
                if (await StartsAsync(s, w, e, ct))
                    await WorkflowExecutions.StartAsync(s, outbox, w.Id, w.TriggerType, Input(e), ct, e.Id);
    }

    private static async Task<bool> StartsAsync(TenantSession s, Listening w, PublishedEvent e, CancellationToken ct)
    {
        switch (w.TriggerType)
        {
            case "time_based":
                return e.Type == "scheduled_task.fired" && e.Data.TryGetProperty("task_type", out var tt) && tt.GetString() == "workflow"
                       && e.Data.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Object
                       && ps.TryGetProperty("workflow_id", out var wid) && wid.GetString() == w.Id.ToString();
            case "event_based":
                if (w.Config is null || !Conditions.EventMatches(w.Config, e.Type)) return false;
                return Conditions.Evaluate(w.Config, await TriggerEngine.InputAsync(s, e, ct), []);
            case "condition_based":
                // customer.updated and customer.created only: one change also publishes customers.updated and
                // customer.health_changed, and the transition must count once.
                if (w.Config?["condition"] is not JsonObject tree || e.ResourceType != "customers" || e.Type is not ("customer.updated" or "customer.created")) return false;
                var condition = WorkflowDefinition.AsCustomerCondition(tree);
                var now = await TriggerEngine.InputAsync(s, e, ct);
                if (!Conditions.Evaluate(condition, now, [])) return false;
                if (now.Previous is null || e.Type == "customer.created") return true;
                // The customer as it was before this change: did the condition already hold?
                var before = (JsonObject)now.Entity.DeepClone();
                foreach (var (k, v) in now.Previous) before[k] = v?.DeepClone();
                return !Conditions.Evaluate(condition, now with { Entity = before, Previous = null, ChangedFields = [] }, []);
            default:
                return false;
        }
    }

    private static JsonObject Input(PublishedEvent e) => new()
    {
        ["event_type"] = e.Type, ["customer_id"] = e.CustomerId, ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId,
        ["conversation_id"] = e.ResourceType == "conversations" ? e.ResourceId : null,
        ["event"] = new JsonObject { ["id"] = e.Id, ["type"] = e.Type, ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId, ["customer_id"] = e.CustomerId },
    };
}
