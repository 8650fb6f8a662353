using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Jobs;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Automation.Workflows;

/// <summary>
/// Workflows beyond the generic resource: POST and PATCH validate trigger_type, trigger_config and
/// the steps (422 naming the field) and keep a time_based workflow's scheduled task in step;
/// POST /workflows/{id}/run starts a run (202, the execution); POST /workflow_executions/{id}/cancel stops one.
/// </summary>
public static class WorkflowsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workflows", Create).WithTags("Automation").WithName("CreateWorkflow").WithSummary("Create a workflow; trigger and steps are validated");
        api.MapPatch("/workflows/{id}", Patch).WithTags("Automation").WithName("UpdateWorkflow").WithSummary("Change a workflow; trigger and steps are validated");
        api.MapPost("/workflows/{id}/run", Run).WithTags("Automation").WithName("RunWorkflow")
            .WithSummary("Start a run now: {customer_id?, conversation_id?, data?}; 202 with the workflow_execution, whose execution_log fills step by step");
        api.MapPost("/workflow_executions/{id}/cancel", Cancel).WithTags("Automation").WithName("CancelWorkflowExecution")
            .WithSummary("Cancel a running execution: no further step starts (409 when it already finished)");
    }

    private static void CheckWrite(TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
    }

    private static async Task<IResult> Create(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, BodyBinder binder, ScheduledTaskScheduler scheduler)
    {
        CheckWrite(tenant);
        var def = registry.Find("workflows")!;
        var body = await AutomationBody.ReadAsync(ctx, binder, def);
        var errors = new FieldErrors();
        WorkflowDefinition.Validate(body, null, errors);
        errors.ThrowIfAny(422);
        await using var s = sessions.Open(tenant);
        var result = await store.CreateAsync(s, def, JsonSerializer.SerializeToElement(body), ctx.RequestAborted);
        await WorkflowSchedule.SyncAsync(sessions, tenant, scheduler, JsonNode.Parse(result.Json)!.AsObject(), ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/workflows/{result.Id}");
    }

    private static async Task<IResult> Patch(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, BodyBinder binder, ScheduledTaskScheduler scheduler)
    {
        CheckWrite(tenant);
        var def = registry.Find("workflows")!;
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No workflow with id {id}.");
        var body = await AutomationBody.ReadAsync(ctx, binder, def);
        await using var s = sessions.Open(tenant);
        var current = JsonNode.Parse((await store.GetAsync(s, def, guid, [], false, ctx.RequestAborted)).Json)!.AsObject();
        var errors = new FieldErrors();
        WorkflowDefinition.Validate(body, current, errors);
        errors.ThrowIfAny(422);
        var result = await store.UpdateAsync(s, def, guid, JsonSerializer.SerializeToElement(body), ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        await WorkflowSchedule.SyncAsync(sessions, tenant, scheduler, JsonNode.Parse(result.Json)!.AsObject(), ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Run(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, Outbox outbox)
    {
        CheckWrite(tenant);
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No workflow with id {id}.");
        var raw = await JsonBody.ReadBytesAsync(ctx);
        var body = raw.Length == 0 ? [] : JsonNode.Parse(BodyBinder.ParseObject(raw).GetRawText())!.AsObject();
        var errors = new FieldErrors();
        var input = new JsonObject { ["event_type"] = "workflow.run" };
        foreach (var key in new[] { "customer_id", "conversation_id" })
        {
            if (!body.ContainsKey(key) || body[key] is null) continue;
            if (body[key] is JsonValue v && v.TryGetValue<string>(out var text) && Guid.TryParse(text, out var g)) input[key] = g;
            else errors.Add(key, "must be a uuid");
        }
        if (body.ContainsKey("data") && body["data"] is not JsonObject and not null) errors.Add("data", "must be an object");
        foreach (var key in body.Select(kv => kv.Key).Where(k => k is not ("customer_id" or "conversation_id" or "data"))) errors.Add(key, "is not a run option (customer_id, conversation_id, data)");
        errors.ThrowIfAny(422);
        input["data"] = body["data"]?.DeepClone();
        await using var s = sessions.Open(tenant);
        var workflow = JsonNode.Parse((await store.GetAsync(s, registry.Find("workflows")!, guid, [], false, ctx.RequestAborted)).Json)!.AsObject();
        if (workflow["is_active"]?.GetValue<bool>() != true) throw new ProblemException(409, "Workflow inactive", "The workflow is not active; set is_active to true to run it.");
        if (Triggers.OutboundActions.IdOf(input["customer_id"]) is { } customer && !await store.ExistsAsync(s, registry.Find("customers")!, customer, ctx.RequestAborted))
        {
            errors.Add("customer_id", "is not one of your customers");
            errors.ThrowIfAny(422);
        }
        input["resource_type"] = input["customer_id"] is null ? null : "customers";
        input["resource_id"] = input["customer_id"]?.DeepClone();
        var execution = await WorkflowExecutions.StartAsync(s, outbox, guid, "manual", input, ctx.RequestAborted)
            ?? throw new ProblemException(409, "Workflow inactive", "The workflow is not active.");
        await s.CommitAsync(ctx.RequestAborted);
        var result = await store.GetAsync(s, registry.Find("workflow_executions")!, execution, [], false, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 202, result.ETag, $"/api/v1/workflow_executions/{execution}");
    }

    private static async Task<IResult> Cancel(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        CheckWrite(tenant);
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No workflow_execution with id {id}.");
        var def = registry.Find("workflow_executions")!;
        await using var s = sessions.Open(tenant);
        var current = JsonNode.Parse((await store.GetAsync(s, def, guid, [], false, ctx.RequestAborted)).Json)!.AsObject();
        await s.BeginAsync(ctx.RequestAborted);
        await using (var cmd = await s.CommandAsync("""
            UPDATE workflow_executions SET status = 'canceled', completed_at = now(), updated_at = now(),
              error_message = 'canceled by ' || $3, extra_metadata = extra_metadata - 'cursor'
            WHERE organization_id = $1 AND id = $2 AND status = 'running'
            """, ctx.RequestAborted))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(guid);
            cmd.Parameters.AddWithValue(tenant.ActorType ?? "user");
            if (await cmd.ExecuteNonQueryAsync(ctx.RequestAborted) == 0)
                throw new ProblemException(409, "Execution finished", $"The execution is {current["status"]}; only a running execution can be canceled.");
        }
        await s.CommitAsync(ctx.RequestAborted);
        var result = await store.GetAsync(s, def, guid, [], false, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }
}
