using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Automation.Scheduling;

/// <summary>
/// POST and PATCH of scheduled_tasks (the rest is the generic resource): the cron and time zone
/// are validated (422 naming schedule or parameters.time_zone), next_run_at is computed in the
/// task's zone, and the task's Quartz job follows the row once it is committed.
/// </summary>
public static class ScheduledTasksApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/scheduled_tasks", Create).WithTags("Automation").WithName("CreateScheduledTask")
            .WithSummary("Create a scheduled task: cron validated, next_run_at computed in its time zone, scheduled on the cluster");
        api.MapPatch("/scheduled_tasks/{id}", Patch).WithTags("Automation").WithName("UpdateScheduledTask")
            .WithSummary("Change a scheduled task; a new schedule, zone or is_active reschedules it");
    }

    private static async Task<IResult> Create(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler, BodyBinder binder)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var def = registry.Find("scheduled_tasks")!;
        var body = await AutomationBody.ReadAsync(ctx, binder, registry.Find("scheduled_tasks")!);
        await using var s = sessions.Open(tenant);
        var active = body["is_active"] is not JsonValue a || !a.TryGetValue<bool>(out var isActive) || isActive;
        var next = await NextRunAsync(s, body["schedule"]?.ToString(), body["parameters"]?["time_zone"]?.ToString(), requireSchedule: true, ctx.RequestAborted);
        body["next_run_at"] = active ? next : null;
        var result = await store.CreateAsync(s, def, JsonSerializer.SerializeToElement(body), ctx.RequestAborted);
        await scheduler.SyncAsync(tenant.OrganizationId, result.Id!.Value, active, next, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/scheduled_tasks/{result.Id}");
    }

    private static async Task<IResult> Patch(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, ScheduledTaskScheduler scheduler, BodyBinder binder)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var def = registry.Find("scheduled_tasks")!;
        if (!Guid.TryParse(id, out var taskId)) throw ProblemException.NotFound($"No scheduled_task with id {id}.");
        var body = await AutomationBody.ReadAsync(ctx, binder, registry.Find("scheduled_tasks")!);
        await using var s = sessions.Open(tenant);
        var current = JsonNode.Parse((await store.GetAsync(s, def, taskId, [], false, ctx.RequestAborted)).Json)!.AsObject();
        var reschedules = body.ContainsKey("schedule") || body.ContainsKey("parameters") || body.ContainsKey("is_active");
        if (!reschedules)
            return new JsonBytesResult((await store.UpdateAsync(s, def, taskId, JsonSerializer.SerializeToElement(body), ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted)).Json, 200);
        var schedule = body.ContainsKey("schedule") ? body["schedule"]?.ToString() : current["schedule"]?.ToString();
        var parameters = body.ContainsKey("parameters") ? body["parameters"] : current["parameters"];
        var active = body.ContainsKey("is_active") ? body["is_active"] is JsonValue v && v.TryGetValue<bool>(out var b) && b : current["is_active"]?.GetValue<bool>() == true;
        var next = await NextRunAsync(s, schedule, parameters?["time_zone"]?.ToString(), requireSchedule: true, ctx.RequestAborted);
        body["next_run_at"] = active ? next : null;
        var result = await store.UpdateAsync(s, def, taskId, JsonSerializer.SerializeToElement(body), ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        await scheduler.SyncAsync(tenant.OrganizationId, taskId, active, next, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<DateTime?> NextRunAsync(TenantSession s, string? schedule, string? taskZone, bool requireSchedule, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var cron = TaskSchedule.TryParse(schedule, out var error);
        if (cron is null && requireSchedule) errors.Add("schedule", error!);
        var zoneId = await ScheduledTaskScheduler.ZoneIdAsync(s, taskZone, ct);
        var zone = TaskSchedule.Zone(zoneId);
        if (zone is null) errors.Add(string.IsNullOrWhiteSpace(taskZone) ? "organization.settings.timezone" : "parameters.time_zone", $"'{zoneId}' is not a time zone (use an IANA name such as Europe/Berlin)");
        errors.ThrowIfAny(422);
        return TaskSchedule.Next(cron!, DateTime.UtcNow, zone!);
    }
}
