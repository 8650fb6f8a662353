using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Modules.Automation.Workflows;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Automation.Automations;

/// <summary>
/// Automations from a sentence: preview (nothing written), create (stored disabled, as a preview to
/// confirm), enable (becomes a trigger or a time_based workflow: the same machinery, not a second
/// engine; its id is kept in trigger.trigger_id or schedule.workflow_id) and disable.
/// </summary>
public static class AutomationsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/automations/preview", Preview).WithTags("Automation").WithName("PreviewAutomation")
            .WithSummary("Read {nl_description} into steps, schedule, trigger and scope without saving; 422 says what could not be read");
        api.MapPost("/automations", Create).WithTags("Automation").WithName("CreateAutomation")
            .WithSummary("Save an automation from {nl_description} (or explicit steps, schedule/trigger), disabled until enabled");
        api.MapPost("/automations/{id}/enable", Enable).WithTags("Automation").WithName("EnableAutomation").WithSummary("Confirm a previewed automation: it becomes a trigger or a scheduled workflow");
        api.MapPost("/automations/{id}/disable", Disable).WithTags("Automation").WithName("DisableAutomation").WithSummary("Stop an automation (its trigger or workflow is deactivated)");
    }

    private static async Task<(JsonObject Body, AutomationDraft Draft)> ReadAsync(HttpContext ctx, BodyBinder binder, ResourceRegistry registry, TenantSession s, AutomationInterpreter interpreter) =>
        await ReadAsync(await AutomationBody.ReadAsync(ctx, binder, registry.Find("automations")!), ctx, s, interpreter);

    private static async Task<(JsonObject Body, AutomationDraft Draft)> ReadAsync(JsonObject body, HttpContext ctx, TenantSession s, AutomationInterpreter interpreter)
    {
        var errors = new FieldErrors();
        var sentence = body["nl_description"]?.ToString();
        if (!body.ContainsKey("steps"))
        {
            if (string.IsNullOrWhiteSpace(sentence) || sentence.Length > 1000) { errors.Add("nl_description", "is required: a sentence such as \"every Monday at 9 email me the customers whose health dropped below 50\" (at most 1000 characters)"); errors.ThrowIfAny(422); }
            var (draft, problems) = await interpreter.ReadAsync(s, sentence!, ctx.RequestAborted);
            if (draft is null) { foreach (var p in problems) errors.Add("nl_description", p); errors.ThrowIfAny(422); }
            return (body, draft!);
        }
        var type = body["type"]?.ToString() ?? (body["schedule"] is JsonObject ? "scheduled" : "trigger");
        var explicitDraft = new AutomationDraft(type, body["name"]?.ToString() ?? "Automation", body["schedule"] as JsonObject, body["trigger"] as JsonObject,
            body["steps"] as JsonArray ?? [], body["scope"] as JsonObject ?? new JsonObject { ["customers"] = "all" }, [], "explicit");
        if (AutomationInterpreter.Check(explicitDraft) is { } why) { errors.Add("steps", why); errors.ThrowIfAny(422); }
        return (body, explicitDraft);
    }

    private static JsonObject View(AutomationDraft d) => new()
    {
        ["type"] = d.Type, ["name"] = d.Name, ["schedule"] = d.Schedule?.DeepClone(), ["trigger"] = d.Trigger?.DeepClone(),
        ["steps"] = d.Steps.DeepClone(), ["scope"] = d.Scope.DeepClone(), ["explanation"] = d.Explanation.DeepClone(), ["engine"] = d.Engine,
    };

    private static async Task<IResult> Preview(HttpContext ctx, BodyBinder binder, ResourceRegistry registry, TenantSessions sessions, TenantContext tenant, AutomationInterpreter interpreter)
    {
        await using var s = sessions.Open(tenant);
        var (_, draft) = await ReadAsync(ctx, binder, registry, s, interpreter);
        await s.CommitAsync(ctx.RequestAborted); // the model call's usage row, when a model read it
        return Results.Json(View(draft));
    }

    private static async Task<IResult> Create(HttpContext ctx, BodyBinder binder, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, AutomationInterpreter interpreter)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        await using var s = sessions.Open(tenant);
        var def = registry.Find("automations")!;
        var raw = await AutomationBody.ReadAsync(ctx, binder, def);
        if (!raw.ContainsKey("nl_description") || raw.ContainsKey("steps"))
        {
            // Stored as given, like any resource (seed rows, imports); enabling validates it.
            var plain = await store.CreateAsync(s, def, JsonSerializer.SerializeToElement(raw), ctx.RequestAborted);
            return new JsonBytesResult(plain.Json, 201, plain.ETag, $"/api/v1/automations/{plain.Id}");
        }
        var (body, draft) = await ReadAsync(raw, ctx, s, interpreter);
        var result = await SaveAsync(s, registry, store, body["nl_description"]?.ToString(), body["name"]?.ToString(), body["description"]?.ToString(), draft, ctx.RequestAborted);
        var json = JsonNode.Parse(result.Json)!.AsObject();
        json["preview"] = View(draft);
        return new JsonBytesResult(JsonSerializer.SerializeToUtf8Bytes(json), 201, null, $"/api/v1/automations/{result.Id}");
    }

    /// <summary>Stores a draft as a disabled automation (the preview to confirm).</summary>
    public static Task<ResourceResult> SaveAsync(TenantSession s, ResourceRegistry registry, ResourceStore store, string? sentence, string? name, string? description, AutomationDraft draft, CancellationToken ct) =>
        store.CreateAsync(s, registry.Find("automations")!, JsonSerializer.SerializeToElement(new JsonObject
        {
            ["name"] = name ?? draft.Name, ["description"] = description ?? string.Join("; ", draft.Explanation.Select(x => x!.ToString())),
            ["type"] = draft.Type, ["nl_description"] = sentence, ["steps"] = draft.Steps.DeepClone(),
            ["schedule"] = draft.Schedule?.DeepClone(), ["trigger"] = draft.Trigger?.DeepClone(), ["scope"] = draft.Scope.DeepClone(), ["enabled"] = false,
        }), ct);

    /// <summary>The console's one-step path: save the draft, then enable it.</summary>
    public static async Task<ResourceResult> SaveAndEnableAsync(string sentence, AutomationDraft draft, ResourceRegistry registry, ResourceStore store, TenantSessions sessions,
        TenantContext tenant, ScheduledTaskScheduler scheduler, CancellationToken ct)
    {
        Guid id;
        await using (var s = sessions.Open(tenant)) id = (await SaveAsync(s, registry, store, sentence, null, null, draft, ct)).Id!.Value;
        return await EnableAsync(id, registry, store, sessions, tenant, scheduler, ct);
    }

    private static async Task<IResult> Enable(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No automation with id {id}.");
        var result = await EnableAsync(guid, registry, store, sessions, tenant, scheduler, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    /// <summary>Makes the automation run: creates (or re-enables) its trigger or time_based workflow.</summary>
    public static async Task<ResourceResult> EnableAsync(Guid guid, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler, CancellationToken ct)
    {
        var def = registry.Find("automations")!;
        await using var s = sessions.Open(tenant);
        var a = JsonNode.Parse((await store.GetAsync(s, def, guid, [], false, ct)).Json)!.AsObject();
        var storedCondition = a["trigger"]?.DeepClone() as JsonObject;
        storedCondition?.Remove("trigger_id"); // the link written by a previous enable, not part of the condition
        var stored = new AutomationDraft(a["type"]?.ToString() ?? "", a["name"]?.ToString() ?? "", a["schedule"] as JsonObject, storedCondition,
            a["steps"] as JsonArray ?? [], a["scope"] as JsonObject ?? [], [], "stored");
        if (AutomationInterpreter.Check(stored) is { } why)
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["steps"] = [$"this automation cannot run: {why}"] });
        var patch = new JsonObject { ["enabled"] = true };
        if (a["type"]?.ToString() == "trigger")
        {
            var trigger = a["trigger"]!.AsObject();
            if (trigger["trigger_id"] is { } existing)
                await store.UpdateAsync(s, registry.Find("triggers")!, Guid.Parse(existing.ToString()), JsonSerializer.SerializeToElement(new { enabled = true }), null, ct);
            else
            {
                var condition = (JsonObject)trigger.DeepClone();
                var created = await store.CreateAsync(s, registry.Find("triggers")!, JsonSerializer.SerializeToElement(new JsonObject
                {
                    ["name"] = a["name"]!.DeepClone(), ["type"] = "event", ["condition"] = condition, ["actions"] = a["steps"]!.DeepClone(), ["user_id"] = tenant.UserId,
                    ["description"] = $"From automation {guid}: {a["nl_description"]}", ["metadata"] = new JsonObject { ["automation_id"] = guid },
                }), ct);
                trigger["trigger_id"] = created.Id;
                patch["trigger"] = trigger.DeepClone();
            }
        }
        else
        {
            var schedule = a["schedule"]!.AsObject();
            JsonObject workflow;
            if (schedule["workflow_id"] is { } existing)
                workflow = JsonNode.Parse((await store.UpdateAsync(s, registry.Find("workflows")!, Guid.Parse(existing.ToString()), JsonSerializer.SerializeToElement(new { is_active = true }), null, ct)).Json)!.AsObject();
            else
            {
                workflow = JsonNode.Parse((await store.CreateAsync(s, registry.Find("workflows")!, JsonSerializer.SerializeToElement(new JsonObject
                {
                    ["name"] = a["name"]!.DeepClone(), ["trigger_type"] = "time_based",
                    ["trigger_config"] = new JsonObject { ["schedule"] = schedule["cron"]!.DeepClone(), ["time_zone"] = schedule["time_zone"]?.DeepClone() },
                    ["actions"] = a["steps"]!.DeepClone(), ["extra_metadata"] = new JsonObject { ["automation_id"] = guid },
                }), ct)).Json)!.AsObject();
                schedule["workflow_id"] = workflow["id"]!.DeepClone();
                patch["schedule"] = schedule.DeepClone();
            }
            await WorkflowSchedule.SyncAsync(sessions, tenant, scheduler, workflow, ct);
        }
        return await store.UpdateAsync(s, def, guid, JsonSerializer.SerializeToElement(patch), null, ct);
    }

    private static async Task<IResult> Disable(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No automation with id {id}.");
        var def = registry.Find("automations")!;
        await using var s = sessions.Open(tenant);
        var a = JsonNode.Parse((await store.GetAsync(s, def, guid, [], false, ctx.RequestAborted)).Json)!.AsObject();
        if (a["trigger"]?["trigger_id"] is { } triggerId)
            await store.UpdateAsync(s, registry.Find("triggers")!, Guid.Parse(triggerId.ToString()), JsonSerializer.SerializeToElement(new { enabled = false }), null, ctx.RequestAborted);
        if (a["schedule"]?["workflow_id"] is { } workflowId)
        {
            var workflow = await store.UpdateAsync(s, registry.Find("workflows")!, Guid.Parse(workflowId.ToString()), JsonSerializer.SerializeToElement(new { is_active = false }), null, ctx.RequestAborted);
            await WorkflowSchedule.SyncAsync(sessions, tenant, scheduler, JsonNode.Parse(workflow.Json)!.AsObject(), ctx.RequestAborted);
        }
        var result = await store.UpdateAsync(s, def, guid, JsonSerializer.SerializeToElement(new { enabled = false }), null, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }
}
