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

    // Dry run
    [BindProperty] public Guid TriggerId { get; set; }
    [BindProperty] public int? Before { get; set; }
    [BindProperty] public int? After { get; set; }
    public JsonObject? DryRun { get; private set; }
    // Sentence
    [BindProperty] public string? Sentence { get; set; }
    public AutomationDraft? Draft { get; private set; }

    public async Task OnGetAsync(string? tab, Guid? edit)
    {
        Tab = Tabs.Contains(tab) ? tab! : "triggers";
        Flash = TempData["flash"] as string;
        if (edit is { } id && Tab == "triggers") await LoadForEditAsync(id);
        await LoadAsync();
    }

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

    public async Task<IActionResult> OnPostToggleWorkflowAsync(Guid workflowId) =>
        await ChangeAsync("workflows", workflowId, "workflows", row => new JsonObject { ["is_active"] = !(row["is_active"]?.GetValue<bool>() ?? false) },
            row => $"Workflow \"{row["name"]}\" {(row["is_active"]?.GetValue<bool>() == true ? "activated" : "paused")}.");

    public async Task<IActionResult> OnPostDeleteWorkflowAsync(Guid workflowId) =>
        await ChangeAsync("workflows", workflowId, "workflows", null, row => $"Workflow \"{row["name"]}\" deleted; its past executions stay in the log.");

    /// <summary>Updates (or, without a change, deletes) one row through the resource store (audit,
    /// domain events) and returns to the tab with a message; a row that is gone says so.</summary>
    private async Task<IActionResult> ChangeAsync(string table, Guid id, string tab, Func<JsonObject, JsonObject>? change, Func<JsonObject, string> said)
    {
        RequireWrite();
        var def = Service<ResourceRegistry>().Find(table)!;
        await using var s = OpenSession();
        try
        {
            var row = JsonNode.Parse((await Service<ResourceStore>().GetAsync(s, def, id, [], false, Aborted)).Json)!.AsObject();
            if (change is null)
            {
                await Service<ResourceStore>().DeleteAsync(s, def, id, null, Aborted);
                TempData["flash"] = said(row);
            }
            else
            {
                var after = await Service<ResourceStore>().UpdateAsync(s, def, id, JsonSerializer.SerializeToElement(change(row)), null, Aborted);
                TempData["flash"] = said(JsonNode.Parse(after.Json)!.AsObject());
            }
        }
        catch (ProblemException p) when (p.Status == 404) { TempData["flash"] = "That row no longer exists."; }
        return Redirect($"/app/automation?tab={tab}");
    }
}
