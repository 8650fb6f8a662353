using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>
/// What an action acts on: the trigger or workflow running it (Source says which), the event (for a
/// workflow run: its execution) and the ids it concerns.
/// </summary>
public sealed record ActionTarget(Guid TriggerId, string TriggerName, Guid? OwnerUserId, Guid EventId, string EventType, Guid? CustomerId, Guid? ConversationId, JsonObject Event, string Source = "trigger");

/// <summary>
/// The one action library of triggers and workflow steps (docs/automation.md "Actions"), run inside
/// the firing's (or step's) transaction: notify, send_email, create_note, create_task,
/// create_activity, create_risk_signal, tag_conversation, assign_csm, set_field, propose_save_play,
/// call_webhook. Each returns its outcome for trigger_events.actions_executed or the step log;
/// email and webhook calls are queued in the same transaction and sent by the outbox.
/// </summary>
public static class TriggerActions
{
    public static readonly string[] Types = ["notify", "send_email", "create_note", "create_task", "create_activity", "create_risk_signal", "tag_conversation", "assign_csm", "set_field", "propose_save_play", "call_webhook"];
    /// <summary>Customer fields an action may set (the rest are owned by their modules).</summary>
    public static readonly Dictionary<string, NpgsqlDbType> SettableFields = new()
    {
        ["stage"] = NpgsqlDbType.Text, ["segment"] = NpgsqlDbType.Text, ["csm_id"] = NpgsqlDbType.Uuid, ["health_score"] = NpgsqlDbType.Integer, ["language"] = NpgsqlDbType.Varchar,
    };

    public static void Validate(JsonNode? actions, FieldErrors errors, string field = "actions", string[]? extraTypes = null)
    {
        if (actions is not JsonArray list || list.Count == 0) { errors.Add(field, "must be a non-empty list of actions"); return; }
        var allowed = extraTypes is null ? Types : [.. Types, .. extraTypes];
        for (var i = 0; i < list.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (list[i] is not JsonObject a) { errors.Add(at, "must be an object with a type"); continue; }
            var type = a["type"] is JsonValue tv && tv.TryGetValue<string>(out var t) ? t : null;
            if (type is null || !allowed.Contains(type)) { errors.Add($"{at}.type", $"must be one of {string.Join(", ", allowed)}"); continue; }
            if (OutboundActions.Validate(type, a, at, errors)) continue;
            string? Text(string key) => a[key] is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
            switch (type)
            {
                case "notify":
                    var users = a["users"] as JsonArray;
                    var roles = a["roles"] as JsonArray;
                    if ((users?.Count ?? 0) + (roles?.Count ?? 0) == 0 && a["owner"]?.GetValueKind() != System.Text.Json.JsonValueKind.True)
                        errors.Add($"{at}.users", "name users (ids), roles (owner, admin, member) or owner: true");
                    if (users is not null && users.Any(u => !Guid.TryParse(u?.ToString(), out _))) errors.Add($"{at}.users", "must be user ids");
                    if (roles is not null && roles.Any(r => !Roles.All.Contains(r?.ToString()))) errors.Add($"{at}.roles", $"must be among {string.Join(", ", Roles.All)}");
                    break;
                case "create_note" or "create_task":
                    if (Text("content") is null) errors.Add($"{at}.content", "is required");
                    break;
                case "create_risk_signal":
                    if (Text("signal_type") is null) errors.Add($"{at}.signal_type", "is required");
                    if (Text("severity") is not ("low" or "medium" or "high" or "critical")) errors.Add($"{at}.severity", "must be low, medium, high or critical");
                    break;
                case "tag_conversation":
                    if (Text("tag") is not { Length: <= 50 }) errors.Add($"{at}.tag", "is required (at most 50 characters)");
                    break;
                case "assign_csm":
                    if (Text("strategy") is not ("round_robin" or "least_accounts" or "least_revenue")) errors.Add($"{at}.strategy", "must be round_robin, least_accounts or least_revenue");
                    break;
                case "set_field":
                    if (Text("field") is not { } f || !SettableFields.ContainsKey(f)) errors.Add($"{at}.field", $"must be one of the customer fields {string.Join(", ", SettableFields.Keys)}");
                    if (!a.ContainsKey("value")) errors.Add($"{at}.value", "is required");
                    break;
                case "propose_save_play":
                    if (Text("playbook") is null) errors.Add($"{at}.playbook", "is required (the save playbook to propose)");
                    break;
            }
        }
    }

    /// <summary>Runs one action; a failure is reported in the outcome (and fails the firing), never thrown past the trigger.</summary>
    public static async Task<JsonObject> RunAsync(TenantSession s, JsonObject action, ActionTarget t, IServiceProvider services, CancellationToken ct)
    {
        var type = action["type"]!.GetValue<string>();
        var outcome = new JsonObject { ["type"] = type };
        if (await OutboundActions.RunAsync(s, type, action, t, services, outcome, ct)) { outcome["ok"] = true; return outcome; }
        string Text(string key, string fallback = "") => action[key]?.ToString() ?? fallback;
        Guid Customer() => t.CustomerId ?? throw new InvalidOperationException("the event concerns no customer");
        switch (type)
        {
            case "notify":
                var users = (action["users"] as JsonArray)?.Select(u => Guid.Parse(u!.ToString())).ToList() ?? [];
                if (action["owner"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && t.OwnerUserId is { } owner) users.Add(owner);
                var roles = (action["roles"] as JsonArray)?.Select(r => r!.ToString()).ToArray() ?? [];
                outcome["notified"] = await NotificationDispatcher.NotifyAsync(s, users, roles, "warning", "trigger", Cut(Text("title", t.TriggerName), 255),
                    Text("message", $"{t.TriggerName}: {t.EventType}"), new JsonObject { ["trigger_id"] = t.TriggerId, ["event_id"] = t.EventId, ["customer_id"] = t.CustomerId },
                    ct, link: t.CustomerId is { } customer ? $"/app/customers/{customer}" : "/app/automation");
                break;
            case "create_note" or "create_task":
                var id = Guid.CreateVersion7();
                var meta = new JsonObject { [$"{t.Source}_id"] = t.TriggerId, ["event_id"] = t.EventId };
                if (type == "create_task")
                {
                    meta["state"] = "open";
                    meta["due_at"] = DateTime.UtcNow.AddDays(action["due_in_days"]?.GetValue<int>() ?? 1).ToString("O");
                    if (action["assignee_id"] is not null) meta["assignee_id"] = action["assignee_id"]!.ToString();
                }
                await ExecAsync(s, "INSERT INTO customer_notes (id, organization_id, customer_id, note_type, content, is_internal, extra_metadata) VALUES ($1, $2, $3, $4, $5, true, $6)",
                    ct, id, s.OrganizationId, Customer(), type == "create_task" ? "task" : "success", Text("content"), Json(meta));
                outcome["note_id"] = id;
                break;
            case "create_risk_signal":
                var signal = Guid.CreateVersion7();
                await ExecAsync(s, """
                    INSERT INTO risk_signals (id, organization_id, customer_id, signal_type, severity, description, auto_detected, source, metadata)
                    VALUES ($1, $2, $3, $4, $5, $6, true, 'trigger', $7)
                    """, ct, signal, s.OrganizationId, Customer(), Cut(Text("signal_type"), 50), Text("severity"), Text("description", t.TriggerName),
                    Json(new JsonObject { ["trigger_id"] = t.TriggerId, ["event_id"] = t.EventId }));
                await DomainEvents.PublishRowAsync(s, "risk_signals", signal, ct, null, "risk_signal.created");
                outcome["risk_signal_id"] = signal;
                break;
            case "tag_conversation":
                var conversation = t.ConversationId ?? throw new InvalidOperationException("the event concerns no conversation");
                outcome["tagged"] = await ExecAsync(s, """
                    INSERT INTO conversation_tags (id, organization_id, conversation_id, tag, tag_category, tagged_by)
                    VALUES (gen_random_uuid(), $1, $2, $3, 'automation', 'trigger')
                    ON CONFLICT (organization_id, conversation_id, tag) WHERE deleted_at IS NULL DO NOTHING
                    """, ct, s.OrganizationId, conversation, Text("tag")) == 1;
                break;
            case "assign_csm":
                outcome["csm_id"] = await AssignCsmAsync(s, Customer(), t.TriggerId, Text("strategy"), ct);
                break;
            case "set_field":
                var field = Text("field");
                await using (var cmd = await s.CommandAsync($"UPDATE customers SET \"{field}\" = $3 WHERE organization_id = $1 AND id = $2", ct))
                {
                    cmd.Parameters.AddWithValue(s.OrganizationId);
                    cmd.Parameters.AddWithValue(Customer());
                    var value = action["value"];
                    cmd.Parameters.Add(new NpgsqlParameter
                    {
                        NpgsqlDbType = SettableFields[field],
                        Value = value is null ? DBNull.Value : SettableFields[field] switch
                        {
                            NpgsqlDbType.Uuid => Guid.Parse(value.ToString()),
                            NpgsqlDbType.Integer => value.GetValue<int>(),
                            _ => value.ToString(),
                        },
                    });
                    outcome["updated"] = await cmd.ExecuteNonQueryAsync(ct) == 1;
                }
                outcome["field"] = field;
                break;
            case "propose_save_play":
                var approval = Guid.CreateVersion7();
                await ExecAsync(s, "INSERT INTO approvals (id, organization_id, agent_id, action, details, status, metadata) VALUES ($1, $2, 'automation', 'save_play', $3, 'pending', $4)",
                    ct, approval, s.OrganizationId, $"Start the save playbook '{Text("playbook")}' ({t.TriggerName})",
                    Json(new JsonObject
                    {
                        ["customer_id"] = Customer(), ["trigger_id"] = t.TriggerId, ["event_id"] = t.EventId,
                        ["proposal"] = new JsonObject { ["type"] = "save_play", ["playbook"] = Text("playbook") },
                    }));
                await DomainEvents.PublishRowAsync(s, "approvals", approval, ct, null, "approval.requested");
                outcome["approval_id"] = approval;
                break;
        }
        outcome["ok"] = true;
        return outcome;
    }

    /// <summary>
    /// least_accounts: the active user with the fewest customers; least_revenue: with the least MRR
    /// under care (the customer being assigned not counted); round_robin: the next one after the trigger's last pick.
    /// </summary>
    private static async Task<Guid?> AssignCsmAsync(TenantSession s, Guid customer, Guid triggerId, string strategy, CancellationToken ct)
    {
        var sql = strategy is "least_accounts" or "least_revenue"
            ? $"""
              SELECT u.id FROM users u WHERE u.organization_id = $1 AND u.is_active AND u.deleted_at IS NULL AND u.role IN ('member', 'admin', 'owner')
              ORDER BY (SELECT {(strategy == "least_accounts" ? "count(*)" : "coalesce(sum(c.mrr), 0)")} FROM customers c
                        WHERE c.organization_id = $1 AND c.csm_id = u.id AND c.deleted_at IS NULL AND c.id <> $3), u.id LIMIT 1
              """
            : """
              SELECT u.id FROM users u WHERE u.organization_id = $1 AND u.is_active AND u.deleted_at IS NULL AND u.role IN ('member', 'admin', 'owner')
              ORDER BY (u.id > coalesce((SELECT (t.metadata->>'last_assigned')::uuid FROM triggers t WHERE t.organization_id = $1 AND t.id = $2), '00000000-0000-0000-0000-000000000000')) DESC, u.id LIMIT 1
              """;
        Guid? picked;
        await using (var cmd = await s.CommandAsync(sql, ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(triggerId);
            if (strategy != "round_robin") cmd.Parameters.AddWithValue(customer);
            picked = await cmd.ExecuteScalarAsync(ct) as Guid?;
        }
        if (picked is not { } csm) return null;
        await ExecAsync(s, "UPDATE customers SET csm_id = $3 WHERE organization_id = $1 AND id = $2", ct, s.OrganizationId, customer, csm);
        await ExecAsync(s, "UPDATE triggers SET metadata = coalesce(metadata, '{}'::jsonb) || jsonb_build_object('last_assigned', $3::text) WHERE organization_id = $1 AND id = $2",
            ct, s.OrganizationId, triggerId, csm.ToString());
        return csm;
    }

    internal static NpgsqlParameter Json(JsonObject o) => new() { Value = o.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb };
    private static string Cut(string s, int n) => s.Length <= n ? s : s[..n];

    internal static async Task<int> ExecAsync(TenantSession s, string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        foreach (var v in values) cmd.Parameters.Add(v as NpgsqlParameter ?? new NpgsqlParameter { Value = v });
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
