using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// What a workflow may hold (docs/automation.md "Workflows"): trigger_type manual, event_based
/// (trigger_config is a condition with its event, as for triggers), condition_based
/// (trigger_config.condition is a tree over the customer, started when it becomes true) or
/// time_based (trigger_config.schedule is a 5-field cron, trigger_config.time_zone optional);
/// actions are steps: any trigger action, or delay {seconds}, each with optional retries (0-10),
/// retry_delay_seconds and timeout_seconds (1-50).
/// </summary>
public static class WorkflowDefinition
{
    public static readonly string[] TriggerTypes = ["manual", "event_based", "condition_based", "time_based"];
    public const int MaxTimeoutSeconds = 50; // under the outbox lease (60 s): a step never outlives its claim
    public const int DefaultTimeoutSeconds = 30;

    public static void Validate(JsonObject body, JsonObject? current, FieldErrors errors)
    {
        var create = current is null;
        var type = (body.ContainsKey("trigger_type") ? body["trigger_type"] : current?["trigger_type"]) is JsonValue tv && tv.TryGetValue<string>(out var t) ? t : null;
        if ((create || body.ContainsKey("trigger_type")) && (type is null || !TriggerTypes.Contains(type)))
            errors.Add("trigger_type", $"must be one of {string.Join(", ", TriggerTypes)}");
        if (create || body.ContainsKey("trigger_config") || body.ContainsKey("trigger_type"))
            ValidateConfig(type, body.ContainsKey("trigger_config") ? body["trigger_config"] : current?["trigger_config"], errors);
        if (create || body.ContainsKey("actions")) ValidateSteps(body["actions"], errors);
    }

    private static void ValidateConfig(string? type, JsonNode? config, FieldErrors errors)
    {
        switch (type)
        {
            case "event_based":
                Conditions.Validate(config, errors, "trigger_config");
                break;
            case "condition_based":
                if (config?["condition"] is not JsonObject tree) { errors.Add("trigger_config.condition", "is required: {\"all\": [{\"path\": \"customer.health_score\", \"op\": \"lt\", \"value\": 40}]}"); break; }
                Conditions.Validate(AsCustomerCondition(tree), errors, "trigger_config.condition");
                break;
            case "time_based":
                if (TaskSchedule.TryParse(config?["schedule"] is JsonValue sv && sv.TryGetValue<string>(out var cron) ? cron : null, out var error) is null)
                    errors.Add("trigger_config.schedule", error ?? "must be a cron expression such as '0 9 * * 1'");
                if (config?["time_zone"] is JsonValue zv && (!zv.TryGetValue<string>(out var zone) || TaskSchedule.Zone(zone) is null))
                    errors.Add("trigger_config.time_zone", "must be an IANA time zone such as Europe/Berlin");
                break;
        }
    }

    /// <summary>A condition_based tree as a condition over customer events (what the engine evaluates).</summary>
    public static JsonObject AsCustomerCondition(JsonObject tree)
    {
        var root = (JsonObject)tree.DeepClone();
        root["event"] = "customer.*";
        return root;
    }

    private static void ValidateSteps(JsonNode? actions, FieldErrors errors)
    {
        TriggerActions.Validate(actions, errors, "actions", ["delay"]);
        if (actions is not JsonArray list) return;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject step) continue;
            var at = $"actions[{i}]";
            if (step["type"]?.ToString() == "delay" && Int(step["seconds"]) is not (>= 1 and <= 7 * 86400))
                errors.Add($"{at}.seconds", "must be a whole number of seconds from 1 to 604800 (7 days)");
            if (step.ContainsKey("retries") && Int(step["retries"]) is not (>= 0 and <= 10)) errors.Add($"{at}.retries", "must be 0 to 10");
            if (step.ContainsKey("retry_delay_seconds") && Int(step["retry_delay_seconds"]) is not (>= 0 and <= 3600)) errors.Add($"{at}.retry_delay_seconds", "must be 0 to 3600");
            if (step.ContainsKey("timeout_seconds") && Int(step["timeout_seconds"]) is not (>= 1 and <= MaxTimeoutSeconds))
                errors.Add($"{at}.timeout_seconds", $"must be 1 to {MaxTimeoutSeconds}");
        }
    }

    public static int? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
