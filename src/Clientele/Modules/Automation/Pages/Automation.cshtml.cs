using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Automations;
using Clientele.Modules.Automation.Triggers;
using Clientele.Modules.Automation.Webhooks;
using Clientele.Modules.Automation.Workflows;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Automation.Pages;

/// <summary>
/// /app/automation: triggers (a condition and action form, the dry run), workflows with their
/// executions and step log (run, cancel), scheduled tasks with their next run, automations from a
/// sentence (preview, then enable) and webhook endpoints with deliveries (replay). Every write goes
/// through the same validation and engines as the API.
/// </summary>
public sealed partial class AutomationModel : ConsolePage
{
    public static readonly string[] Tabs = ["triggers", "workflows", "schedules", "sentence", "webhooks"];
    public static readonly string[] Events = ["customer.updated", "customer.created", "customer.health_changed", "conversation.created", "conversation.escalated", "invoice.paid", "payment.failed", "deal.stage_changed", "risk_signal.created"];
    public static readonly string[] ActionTypes = ["notify", "create_note", "create_task", "create_risk_signal", "propose_save_play", "tag_conversation", "assign_csm"];

    public string Tab { get; private set; } = "triggers";
    public string? Flash { get; private set; }

    // Trigger form
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Event { get; set; }
    [BindProperty] public string? Path { get; set; }
    [BindProperty] public string? Op { get; set; }
    [BindProperty] public string? Value { get; set; }
    [BindProperty] public string? ActionType { get; set; }
    [BindProperty] public string? ActionText { get; set; }
    [BindProperty] public int Cooldown { get; set; }
    // Dry run
    [BindProperty] public Guid TriggerId { get; set; }
    [BindProperty] public int? Before { get; set; }
    [BindProperty] public int? After { get; set; }
    public JsonObject? DryRun { get; private set; }
    // Sentence
    [BindProperty] public string? Sentence { get; set; }
    public AutomationDraft? Draft { get; private set; }

    public async Task OnGetAsync(string? tab)
    {
        Tab = Tabs.Contains(tab) ? tab! : "triggers";
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostTriggerAsync()
    {
        RequireWrite();
        Tab = "triggers";
        JsonNode? value = int.TryParse(Value, out var n) ? n : decimal.TryParse(Value, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : Value;
        var condition = new JsonObject { ["event"] = Event };
        if (!string.IsNullOrWhiteSpace(Path)) condition["all"] = new JsonArray(new JsonObject { ["path"] = Path, ["op"] = Op, ["value"] = Op == "changed" ? null : value });
        var actions = new JsonArray(ActionFromForm());
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "is required");
        Conditions.Validate(condition, errors);
        TriggerActions.Validate(actions, errors);
        if (Cooldown is < 0 or > 100000) errors.Add("cooldown_minutes", "must be 0 to 100000");
        if (errors.Any)
        {
            foreach (var (key, messages) in errors.ToDictionary()) ModelState.AddModelError(FormField(key), $"{Label(key)} {string.Join(", ", messages)}.");
            Response.StatusCode = 422;
            await LoadAsync();
            return Page();
        }
        await using var s = OpenSession();
        await Service<ResourceStore>().CreateAsync(s, Service<ResourceRegistry>().Find("triggers")!, JsonSerializer.SerializeToElement(new JsonObject
        {
            ["name"] = Name, ["type"] = "event", ["condition"] = condition, ["actions"] = actions, ["cooldown_minutes"] = Cooldown, ["user_id"] = Tenant.UserId,
        }), Aborted);
        TempData["flash"] = $"Trigger \"{Name}\" created.";
        return Redirect("/app/automation?tab=triggers");
    }

    private JsonObject ActionFromForm()
    {
        var text = string.IsNullOrWhiteSpace(ActionText) ? null : ActionText.Trim();
        return ActionType switch
        {
            "notify" => new JsonObject { ["type"] = "notify", ["owner"] = true, ["message"] = text },
            "create_note" or "create_task" => new JsonObject { ["type"] = ActionType, ["content"] = text },
            "create_risk_signal" => new JsonObject { ["type"] = ActionType, ["signal_type"] = "automation", ["severity"] = "high", ["description"] = text },
            "propose_save_play" => new JsonObject { ["type"] = ActionType, ["playbook"] = text },
            "tag_conversation" => new JsonObject { ["type"] = ActionType, ["tag"] = text },
            "assign_csm" => new JsonObject { ["type"] = ActionType, ["strategy"] = text ?? "least_accounts" },
            _ => new JsonObject { ["type"] = ActionType },
        };
    }

    private static string FormField(string key) => key switch
    {
        "name" => "Name", "cooldown_minutes" => "Cooldown",
        _ when key.StartsWith("condition.event", StringComparison.Ordinal) => "Event",
        _ when key.EndsWith(".path", StringComparison.Ordinal) => "Path",
        _ when key.EndsWith(".op", StringComparison.Ordinal) => "Op",
        _ when key.EndsWith(".value", StringComparison.Ordinal) => "Value",
        _ when key.EndsWith(".type", StringComparison.Ordinal) => "ActionType",
        _ when key.StartsWith("actions", StringComparison.Ordinal) => "ActionText",
        _ => "Name",
    };

    private static string Label(string key) => FormField(key) switch
    {
        "ActionText" => "The action's detail", "ActionType" => "The action", "Path" => "The field", "Op" => "The comparison", "Value" => "The value", "Cooldown" => "The cooldown", var f => "The " + f.ToLowerInvariant(),
    };

    public async Task<IActionResult> OnPostDryRunAsync()
    {
        Tab = "triggers";
        await using var s = OpenSession();
        var trigger = JsonNode.Parse((await Service<ResourceStore>().GetAsync(s, Service<ResourceRegistry>().Find("triggers")!, TriggerId, [], false, Aborted)).Json)!.AsObject();
        var condition = trigger["condition"] as JsonObject ?? [];
        var entity = new JsonObject { ["health_score"] = After };
        var previous = new JsonObject { ["health_score"] = Before };
        var input = new ConditionInput("customer.updated", "customers", entity, previous, Before == After ? [] : ["health_score"], null, new JsonObject { ["type"] = "customer.updated" });
        var leaves = new List<LeafResult>();
        var errors = new FieldErrors();
        Conditions.Validate(condition, errors);
        var matches = !errors.Any && Conditions.EventMatches(condition, "customer.updated") && Conditions.Evaluate(condition, input, leaves);
        DryRun = new JsonObject { ["name"] = trigger["name"]?.DeepClone(), ["would_fire"] = matches && trigger["enabled"]?.GetValue<bool>() == true, ["conditions"] = TriggerEngine.Explain(leaves) };
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRunAsync(Guid workflowId)
    {
        RequireWrite();
        await using var s = OpenSession();
        var id = await WorkflowExecutions.StartAsync(s, Service<Outbox>(), workflowId, "manual", new JsonObject { ["event_type"] = "workflow.run" }, Aborted);
        await s.CommitAsync(Aborted);
        TempData["flash"] = id is null ? "That workflow is not active." : "Run started.";
        return Redirect("/app/automation?tab=workflows");
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid executionId)
    {
        RequireWrite();
        await using var s = OpenSession();
        await s.BeginAsync(Aborted);
        await using var cmd = await s.CommandAsync("UPDATE workflow_executions SET status = 'canceled', completed_at = now(), error_message = 'canceled in the console', extra_metadata = extra_metadata - 'cursor' WHERE organization_id = $1 AND id = $2 AND status = 'running'", Aborted);
        cmd.Parameters.AddWithValue(Tenant.OrganizationId);
        cmd.Parameters.AddWithValue(executionId);
        var n = await cmd.ExecuteNonQueryAsync(Aborted);
        await s.CommitAsync(Aborted);
        TempData["flash"] = n == 1 ? "Execution canceled: no further step starts." : "That execution had already finished.";
        return Redirect("/app/automation?tab=workflows");
    }

    public async Task<IActionResult> OnPostPreviewAsync() => await SentenceAsync(enable: false);

    public async Task<IActionResult> OnPostEnableAsync() => await SentenceAsync(enable: true);

    private async Task<IActionResult> SentenceAsync(bool enable)
    {
        if (enable) RequireWrite();
        Tab = "sentence";
        if (string.IsNullOrWhiteSpace(Sentence) || Sentence.Length > 1000) ModelState.AddModelError(nameof(Sentence), "Write one sentence (at most 1000 characters).");
        else
        {
            await using var s = OpenSession();
            var (draft, problems) = await Service<AutomationInterpreter>().ReadAsync(s, Sentence, Aborted);
            await s.CommitAsync(Aborted);
            foreach (var p in problems) ModelState.AddModelError(nameof(Sentence), char.ToUpperInvariant(p[0]) + p[1..] + ".");
            Draft = draft;
            if (draft is not null && enable)
            {
                await AutomationsApi.SaveAndEnableAsync(Sentence, draft, Service<ResourceRegistry>(), Service<ResourceStore>(), Service<TenantSessions>(), Tenant,
                    Service<Scheduling.ScheduledTaskScheduler>(), Aborted);
                TempData["flash"] = $"Automation enabled: {draft.Name}";
                return Redirect("/app/automation?tab=sentence");
            }
        }
        if (!ModelState.IsValid) Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostReplayAsync(Guid deliveryId)
    {
        RequireAdmin();
        await using var s = OpenSession();
        try
        {
            await WebhooksApi.ReplayAsync(s, Service<ResourceStore>(), Service<ResourceRegistry>(), Service<Outbox>(), deliveryId, Aborted);
            TempData["flash"] = "Delivery queued again.";
        }
        catch (ProblemException p) when (p.Status == 409) { TempData["flash"] = "The endpoint is disabled: enable it before replaying."; }
        return Redirect("/app/automation?tab=webhooks");
    }
}
