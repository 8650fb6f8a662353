using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>An enabled trigger as the engine holds it.</summary>
public sealed record ActiveTrigger(Guid Id, string Name, Guid? UserId, Guid? CustomerId, CompiledCondition Condition, JsonArray Actions);

/// <summary>
/// Evaluates every enabled trigger of the organization against each delivered event, seconds
/// after the change. A match claims a fire with one conditional UPDATE of the trigger row
/// (cooldown and daily cap checked on the locked row, so concurrent events and nodes cannot
/// exceed them), runs the actions and writes trigger_events (with the leaves that matched and
/// each action's outcome), all in the dispatch job's transaction: a retry after a crash cannot
/// fire twice (trigger_events is unique per trigger and event).
/// </summary>
public sealed class TriggerEngine(ILogger<TriggerEngine> logger, IServiceProvider services) : IDomainEventSubscriber
{
    /// <summary>Only through the organization's enabled triggers; never on what automation itself caused.</summary>
    public EventInterest InterestIn(EventHead e) => e.ActorType == "automation" ? EventInterest.No : EventInterest.WhenOrganizationAutomates;

    public async Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct)
    {
        // Events that automation itself caused are not re-evaluated: no trigger loops.
        var relevant = events.Where(e => e.ActorType != "automation").ToList();
        if (relevant.Count == 0) return;
        var triggers = await LoadAsync(job.Session, ct);
        if (triggers.Count == 0) return;
        foreach (var e in relevant)
        {
            var candidates = triggers.Where(t => t.Condition.Listens(e.Type) && (t.CustomerId is null || t.CustomerId == e.CustomerId)).ToList();
            if (candidates.Count == 0) continue;
            var input = await InputAsync(job.Session, e, ct);
            foreach (var t in candidates)
            {
                if (!t.Condition.Evaluate(input)) continue;
                var leaves = new List<LeafResult>(); // evaluated again, every leaf, to explain the fire
                t.Condition.Evaluate(input, leaves);
                await FireAsync(job.Session, t, e, input, leaves, ct);
            }
        }
    }

    public static async Task<List<ActiveTrigger>> LoadAsync(TenantSession s, CancellationToken ct)
    {
        var list = new List<ActiveTrigger>();
        await using var cmd = await s.CommandAsync("SELECT id, name, user_id, customer_id, condition::text, actions::text FROM triggers WHERE organization_id = $1 AND enabled ORDER BY id", ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            // Rows written before validation existed (seed data) compile to null and never fire.
            if (CompiledCondition.FromText(r.GetString(4)) is not { } condition || JsonNode.Parse(r.GetString(5)) is not JsonArray actions) continue;
            list.Add(new ActiveTrigger(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetGuid(2), r.IsDBNull(3) ? null : r.GetGuid(3), condition, actions));
        }
        return list;
    }

    /// <summary>The event as conditions see it, with the customer row it concerns.</summary>
    public static async Task<ConditionInput> InputAsync(TenantSession s, PublishedEvent e, CancellationToken ct)
    {
        var entity = JsonNode.Parse(e.Data.GetRawText()) as JsonObject ?? [];
        var previous = e.Previous is { ValueKind: JsonValueKind.Object } p ? JsonNode.Parse(p.GetRawText()) as JsonObject : null;
        JsonObject? customer = null;
        if (e.CustomerId is { } cid && e.ResourceType != "customers")
        {
            await using var cmd = await s.CommandAsync("SELECT (to_jsonb(c) - 'organization_id')::text FROM customers c WHERE c.organization_id = $1 AND c.id = $2", ct);
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(cid);
            customer = await cmd.ExecuteScalarAsync(ct) is string json ? JsonNode.Parse(json) as JsonObject : null;
        }
        var ev = new JsonObject { ["id"] = e.Id, ["type"] = e.Type, ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId, ["customer_id"] = e.CustomerId, ["actor_type"] = e.ActorType };
        return new ConditionInput(e.Type, e.ResourceType, entity, previous, e.ChangedFields, customer, ev);
    }

    private async Task FireAsync(TenantSession s, ActiveTrigger t, PublishedEvent e, ConditionInput input, List<LeafResult> leaves, CancellationToken ct)
    {
        // Claim: the locked row decides cooldown and the daily cap (UTC day); a losing claim is no fire.
        await using (var claim = await s.CommandAsync("""
            UPDATE triggers SET fire_count = fire_count + 1, last_fired_at = now(),
              metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('fires_day', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                'fires_today', CASE WHEN metadata->>'fires_day' = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') THEN coalesce((metadata->>'fires_today')::int, 0) + 1 ELSE 1 END)
            WHERE organization_id = $1 AND id = $2 AND enabled
              AND (cooldown_minutes <= 0 OR last_fired_at IS NULL OR last_fired_at <= now() - make_interval(mins => cooldown_minutes))
              AND (max_fires_per_day IS NULL OR metadata->>'fires_day' IS DISTINCT FROM to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')
                   OR coalesce((metadata->>'fires_today')::int, 0) < max_fires_per_day)
              AND NOT EXISTS (SELECT 1 FROM trigger_events x WHERE x.organization_id = $1 AND x.trigger_id = $2 AND x.event_data->>'event_id' = $3)
            """, ct))
        {
            claim.Parameters.AddWithValue(s.OrganizationId);
            claim.Parameters.AddWithValue(t.Id);
            claim.Parameters.AddWithValue(e.Id.ToString());
            if (await claim.ExecuteNonQueryAsync(ct) == 0) return;
        }
        var conversation = e.ResourceType == "conversations" ? e.ResourceId
            : input.Entity["conversation_id"] is JsonValue cv && Guid.TryParse(cv.ToString(), out var c) ? c : (Guid?)null;
        var target = new ActionTarget(t.Id, t.Name, t.UserId, e.Id, e.Type, e.CustomerId, conversation, input.Event);
        var outcomes = new JsonArray();
        string? error = null;
        // What the actions publish is marked as automation's, so it does not re-enter the engine.
        var actor = s.Tenant.ActorType;
        s.Tenant.ActorType = "automation";
        try
        {
        foreach (var action in t.Actions.OfType<JsonObject>())
        {
            // Each action in a savepoint: one failing leaves the others' work and is reported.
            await using (var sp = await s.CommandAsync("SAVEPOINT trigger_action", ct)) await sp.ExecuteNonQueryAsync(ct);
            try
            {
                outcomes.Add(await TriggerActions.RunAsync(s, action, target, services, ct));
                await using var rel = await s.CommandAsync("RELEASE SAVEPOINT trigger_action", ct);
                await rel.ExecuteNonQueryAsync(ct);
            }
            catch (Exception ex) when (ex is PostgresException or InvalidOperationException or FormatException or JsonException)
            {
                await using (var rb = await s.CommandAsync("ROLLBACK TO SAVEPOINT trigger_action", ct)) await rb.ExecuteNonQueryAsync(ct);
                error ??= $"{action["type"]}: {ex.Message}";
                outcomes.Add(new JsonObject { ["type"] = action["type"]?.DeepClone(), ["ok"] = false, ["error"] = ex.Message });
                logger.LogWarning("Trigger {Trigger} action {Action} failed: {Error}", t.Id, action["type"], ex.Message);
            }
        }
        }
        finally { s.Tenant.ActorType = actor; }
        await using var log = await s.CommandAsync("""
            INSERT INTO trigger_events (id, organization_id, trigger_id, customer_id, event_type, event_data, actions_executed, success, error_message)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, ct);
        log.Parameters.AddWithValue(Guid.CreateVersion7());
        log.Parameters.AddWithValue(s.OrganizationId);
        log.Parameters.AddWithValue(t.Id);
        log.Parameters.Add(new NpgsqlParameter { Value = (object?)e.CustomerId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        log.Parameters.AddWithValue(e.Type);
        log.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            Value = new JsonObject
            {
                ["event_id"] = e.Id.ToString(), ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId,
                ["matched"] = Explain(leaves), ["latency_ms"] = Math.Round((DateTime.UtcNow - e.CreatedAt.ToUniversalTime()).TotalMilliseconds),
            }.ToJsonString(),
        });
        log.Parameters.Add(new NpgsqlParameter { Value = outcomes.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        log.Parameters.AddWithValue(error is null);
        log.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await log.ExecuteNonQueryAsync(ct);
    }

    public static JsonArray Explain(List<LeafResult> leaves) => new(leaves.Select(l => (JsonNode)new JsonObject
    {
        ["path"] = l.Path, ["op"] = l.Op, ["value"] = l.Expected?.DeepClone(), ["actual"] = l.Actual?.DeepClone(), ["matched"] = l.Matched,
    }).ToArray());
}
