using System.Text.Json.Nodes;
using Npgsql;

namespace Clientele.Modules.Automation.Pages;

/// <summary>What each tab of /app/automation lists (the newest 50 of each, newest first).</summary>
public sealed partial class AutomationModel
{
    public sealed record TriggerRow(Guid Id, string Name, string Condition, string Actions, bool Enabled, int FireCount, DateTime? LastFiredAt, int Cooldown);
    public sealed record FireRow(string TriggerName, string EventType, bool Success, string Matched, DateTime At);
    public sealed record WorkflowRow(Guid Id, string Name, string TriggerType, bool Active, int Steps);
    public sealed record ExecutionRow(Guid Id, string Workflow, string Status, DateTime StartedAt, string? Error, JsonArray Log);
    public sealed record TaskRow(string Name, string Type, string Schedule, bool Active, DateTime? NextRunAt, DateTime? LastRunAt, bool Overdue);
    public sealed record EndpointRow(Guid Id, string Url, string Events, bool Enabled, DateTime? FailingSince, string? DisabledReason);
    public sealed record DeliveryRow(Guid Id, string Url, string EventType, string Status, int Attempts, int? Code, DateTime CreatedAt, bool Replay);

    public List<TriggerRow> Triggers { get; } = [];
    public List<FireRow> Fires { get; } = [];
    public List<WorkflowRow> Workflows { get; } = [];
    public List<ExecutionRow> Executions { get; } = [];
    public List<TaskRow> Tasks { get; } = [];
    public List<EndpointRow> Endpoints { get; } = [];
    public List<DeliveryRow> Deliveries { get; } = [];

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        async Task ReadAsync(string sql, Action<NpgsqlDataReader> row)
        {
            await using var r = await s.ReadAsync(sql, [new NpgsqlParameter { Value = Tenant.OrganizationId }], Aborted);
            while (await r.ReadAsync(Aborted)) row(r);
        }
        DateTime? At(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);
        switch (Tab)
        {
            case "triggers":
                await ReadAsync("SELECT id, name, condition::text, actions::text, enabled, fire_count, last_fired_at, cooldown_minutes FROM triggers WHERE organization_id = $1 ORDER BY created_at DESC LIMIT 50",
                    r => Triggers.Add(new(r.GetGuid(0), r.GetString(1), Readable(r.GetString(2)), Summary(r.GetString(3)), r.GetBoolean(4), r.GetInt32(5), At(r, 6), r.GetInt32(7))));
                await ReadAsync("""
                    SELECT t.name, e.event_type, e.success, coalesce(e.event_data->'matched', '[]')::text, e.fired_at
                    FROM trigger_events e JOIN triggers t ON t.organization_id = e.organization_id AND t.id = e.trigger_id
                    WHERE e.organization_id = $1 ORDER BY e.fired_at DESC LIMIT 20
                    """, r => Fires.Add(new(r.GetString(0), r.GetString(1), r.GetBoolean(2), Matched(r.GetString(3)), r.GetDateTime(4))));
                break;
            case "workflows":
                await ReadAsync("SELECT id, name, trigger_type, is_active, jsonb_array_length(actions) FROM workflows WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 50",
                    r => Workflows.Add(new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetInt32(4))));
                await ReadAsync("""
                    SELECT x.id, w.name, x.status, x.started_at, x.error_message, coalesce(x.execution_log, '[]')::text
                    FROM workflow_executions x JOIN workflows w ON w.organization_id = x.organization_id AND w.id = x.workflow_id
                    WHERE x.organization_id = $1 ORDER BY x.started_at DESC LIMIT 20
                    """, r => Executions.Add(new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDateTime(3), r.IsDBNull(4) ? null : r.GetString(4), JsonNode.Parse(r.GetString(5)) as JsonArray ?? [])));
                break;
            case "schedules":
                await ReadAsync("""
                    SELECT task_name, task_type, schedule, is_active, next_run_at, last_run_at, (is_active AND next_run_at < now() - interval '2 minutes')
                    FROM scheduled_tasks WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY next_run_at NULLS LAST LIMIT 50
                    """, r => Tasks.Add(new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), At(r, 4), At(r, 5), !r.IsDBNull(6) && r.GetBoolean(6))));
                break;
            case "webhooks":
                await ReadAsync("SELECT id, url, array_to_string(events, ', '), enabled, failing_since, disabled_reason FROM webhook_endpoints WHERE organization_id = $1 ORDER BY created_at DESC LIMIT 50",
                    r => Endpoints.Add(new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), At(r, 4), r.IsDBNull(5) ? null : r.GetString(5))));
                await ReadAsync("""
                    SELECT d.id, e.url, d.event_type, d.status, d.attempts, d.last_status_code, d.created_at, d.replay_of IS NOT NULL
                    FROM webhook_deliveries d JOIN webhook_endpoints e ON e.organization_id = d.organization_id AND e.id = d.endpoint_id
                    WHERE d.organization_id = $1 ORDER BY d.created_at DESC LIMIT 30
                    """, r => Deliveries.Add(new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt32(5), r.GetDateTime(6), r.GetBoolean(7))));
                break;
        }
    }

    /// <summary>"on customer.updated: customer.health_score &lt; 35 or customer.mrr ≥ 500" from a condition.</summary>
    public static string Readable(string condition)
    {
        if (JsonNode.Parse(condition) is not JsonObject c) return condition;
        var events = c["event"] is JsonArray a ? string.Join(", ", a.Select(x => x?.ToString())) : c["event"]?.ToString() ?? "?";
        var tree = new JsonObject(c.Where(kv => kv.Key != "event").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        return tree.Count == 0 ? $"on {events}" : $"on {events}: {Tree(tree, top: true)}";
    }

    private static string Tree(JsonNode? node, bool top = false)
    {
        if (node is not JsonObject o) return "?";
        if (o["all"] is JsonArray all) return Join(all, " and ", top);
        if (o["any"] is JsonArray any) return Join(any, " or ", top);
        if (o["not"] is { } not) return "not (" + Tree(not, top: true) + ")";
        var op = o["op"]?.ToString() switch
        {
            "eq" => "=", "ne" => "≠", "gt" => ">", "gte" => "≥", "lt" => "<", "lte" => "≤", var other => other,
        };
        return op == "changed" ? $"{o["path"]} changed" : $"{o["path"]} {op} {(o["value"] is JsonValue v ? v.ToString() : o["value"]?.ToJsonString())}";
    }

    private static string Join(JsonArray list, string with, bool top)
    {
        var text = string.Join(with, list.Select(n => Tree(n)));
        return top || list.Count == 1 ? text : $"({text})";
    }

    /// <summary>"notify, create_task" from an actions array.</summary>
    private static string Summary(string actions) =>
        JsonNode.Parse(actions) is JsonArray a ? string.Join(", ", a.Select(x => x?["type"]?.ToString()).Where(x => x is not null)) : "";

    /// <summary>"customer.health_score lt 40 (was 20) ✓" per leaf of a fire's explanation.</summary>
    private static string Matched(string matched) =>
        JsonNode.Parse(matched) is JsonArray a ? string.Join("; ", a.Select(l => $"{l?["path"]} {l?["op"]} {l?["value"]?.ToJsonString()} (was {l?["actual"]?.ToJsonString() ?? "null"})")) : "";

    public static string When(DateTime? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "—";
}
