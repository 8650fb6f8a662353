using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Gateway;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Modules.Automation.Triggers;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Automation.Automations;

/// <summary>
/// Turns an automation sentence into a draft: through the AI gateway when a model is configured
/// (Ai__Provider=openai; its JSON answer is validated like any trigger or workflow and dropped for
/// the built-in reading if it is not valid), else with the built-in offline parser. The draft is
/// validated by the same rules as triggers and workflows, so what is previewed is what runs.
/// </summary>
public sealed class AutomationInterpreter(IAiGateway gateway)
{
    private const string Instructions = """
        You turn a customer-success automation sentence into JSON, and answer with the JSON only:
        {"type": "trigger" | "scheduled", "name": "...",
         "schedule": {"cron": "5-field cron", "description": "..."} (scheduled only),
         "trigger": {"event": "customer.updated", "all": [{"path": "customer.health_score", "op": "lt", "value": 40}]} (trigger only),
         "steps": [actions], "scope": {"customers": "all"}}
        Actions: notify {owner: true | roles: [admin]}, send_email {to: "owner"|"customer", subject, body, customer_list?: {field, op, value}},
        create_note {content}, create_task {content}, create_risk_signal {signal_type, severity}, tag_conversation {tag},
        assign_csm {strategy: least_accounts|least_revenue|round_robin}, propose_save_play {playbook}, set_field {field, value}.
        Condition ops: eq ne gt gte lt lte in contains changed changed_from changed_to; paths start with entity, previous, customer or event.
        """;

    public async Task<(AutomationDraft? Draft, List<string> Problems)> ReadAsync(TenantSession s, string sentence, CancellationToken ct)
    {
        var notes = new List<string>();
        if (gateway.Provider == "openai")
        {
            try
            {
                var result = await gateway.CompleteAsync(s, new AiCall("automation.parse", "nl", [new ChatMessage(ChatRole.User, sentence)],
                    new ChatOptions { Instructions = Instructions, Temperature = 0 }), ct);
                var draft = FromModel(result.Text, result.Model, out var why);
                if (draft is not null) return (draft, []);
                notes.Add($"the model's reading was not valid ({why}); the built-in reading is used");
            }
            catch (Exception e) when (e is AiProviderException or HttpRequestException or InvalidOperationException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                notes.Add($"the model could not be reached ({e.Message}); the built-in reading is used");
            }
        }
        var builtIn = AutomationParser.Parse(sentence, out var problems);
        if (builtIn is not null && Check(builtIn) is { } invalid) problems.Add(invalid);
        if (builtIn is not null) foreach (var n in notes) builtIn.Explanation.Add(n);
        return (problems.Count == 0 ? builtIn : null, problems);
    }

    private static AutomationDraft? FromModel(string text, string model, out string? why)
    {
        why = null;
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start) { why = "no JSON object"; return null; }
        JsonObject o;
        try { o = JsonNode.Parse(text[start..(end + 1)]) as JsonObject ?? throw new System.Text.Json.JsonException("not an object"); }
        catch (System.Text.Json.JsonException e) { why = e.Message; return null; }
        var type = o["type"]?.ToString();
        var draft = new AutomationDraft(type ?? "", o["name"]?.ToString() ?? "Automation", o["schedule"] as JsonObject, o["trigger"] as JsonObject,
            o["steps"] as JsonArray ?? [], o["scope"] as JsonObject ?? new JsonObject { ["customers"] = "all" }, [$"read by the model {model}"], model);
        why = Check(draft);
        return why is null ? draft : null;
    }

    /// <summary>Why a draft cannot run (the trigger and workflow rules), or null.</summary>
    public static string? Check(AutomationDraft d)
    {
        var errors = new FieldErrors();
        TriggerActions.Validate(d.Steps, errors, "steps");
        if (d.Type == "trigger") Conditions.Validate(d.Trigger, errors, "trigger");
        else if (d.Type == "scheduled") { if (TaskSchedule.TryParse(d.Schedule?["cron"]?.ToString(), out var e) is null) errors.Add("schedule.cron", e ?? "is not a cron"); }
        else errors.Add("type", "must be trigger or scheduled");
        return errors.Any ? string.Join("; ", errors.ToDictionary().Select(kv => $"{kv.Key} {string.Join(", ", kv.Value)}")) : null;
    }
}
