using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>
/// Triggers beyond the generic resource: POST and PATCH validate the condition and actions (422
/// naming the field, e.g. condition.all[0].op), and POST /triggers/{id}/test dry-runs one.
/// </summary>
public static class TriggersApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/triggers").WithTags("Automation");
        api.MapPost("/triggers", Create).WithTags("Automation").WithName("CreateTrigger").WithSummary("Create a trigger; condition and actions are validated");
        g.MapPatch("/{id}", Patch).WithName("UpdateTrigger").WithSummary("Change a trigger; condition and actions are validated");
        g.MapPost("/{id}/test", Test).WithName("TestTrigger")
            .WithSummary("Dry run: {\"event\": {type, data, previous, customer_id}} - says whether it would fire, which conditions matched, what it would do");
    }

    private static void Check(JsonObject body, bool create)
    {
        var errors = new FieldErrors();
        if (create || body.ContainsKey("condition")) Conditions.Validate(body["condition"], errors);
        if (create || body.ContainsKey("actions")) TriggerActions.Validate(body["actions"], errors);
        if (create && string.IsNullOrWhiteSpace(body["type"]?.ToString())) body["type"] = "event";
        errors.ThrowIfAny(422);
    }

    private static async Task<IResult> Create(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, BodyBinder binder)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var body = await AutomationBody.ReadAsync(ctx, binder, registry.Find("triggers")!);
        Check(body, create: true);
        if (!body.ContainsKey("user_id") && tenant.UserId is { } me) body["user_id"] = me;
        await using var s = sessions.Open(tenant);
        var result = await store.CreateAsync(s, registry.Find("triggers")!, JsonSerializer.SerializeToElement(body), ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 201, result.ETag, $"/api/v1/triggers/{result.Id}");
    }

    private static async Task<IResult> Patch(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant, BodyBinder binder)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No trigger with id {id}.");
        var body = await AutomationBody.ReadAsync(ctx, binder, registry.Find("triggers")!);
        Check(body, create: false);
        await using var s = sessions.Open(tenant);
        var result = await store.UpdateAsync(s, registry.Find("triggers")!, guid, JsonSerializer.SerializeToElement(body), ctx.Request.Headers.IfMatch.ToString(), ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    private static async Task<IResult> Test(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No trigger with id {id}.");
        var body = JsonNode.Parse(BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx)).GetRawText())!.AsObject();
        var errors = new FieldErrors();
        if (body["event"] is not JsonObject ev) { errors.Add("event", "is required: {\"type\": \"customer.updated\", \"data\": {...}, \"previous\": {...}}"); errors.ThrowIfAny(422); return Results.Empty; }
        var type = ev["type"]?.ToString();
        if (string.IsNullOrWhiteSpace(type)) errors.Add("event.type", "is required");
        if (ev.ContainsKey("data") && ev["data"] is not JsonObject) errors.Add("event.data", "must be an object");
        if (ev.ContainsKey("previous") && ev["previous"] is not null and not JsonObject) errors.Add("event.previous", "must be an object");
        Guid? customerId = null;
        if (ev["customer_id"] is { } c) { if (Guid.TryParse(c.ToString(), out var g)) customerId = g; else errors.Add("event.customer_id", "must be a uuid"); }
        errors.ThrowIfAny(422);

        await using var s = sessions.Open(tenant);
        var trigger = JsonNode.Parse((await store.GetAsync(s, registry.Find("triggers")!, guid, [], false, ctx.RequestAborted)).Json)!.AsObject();
        var resourceType = ev["resource_type"]?.ToString() ?? (type!.StartsWith("customer.", StringComparison.Ordinal) ? "customers" : null);
        var data = ev["data"]?.DeepClone().AsObject() ?? [];
        var previous = ev["previous"]?.DeepClone() as JsonObject;
        if (resourceType == "customers" && customerId is { } cust && !data.ContainsKey("id")) data["id"] = cust.ToString();
        var published = new PublishedEvent(Guid.Empty, type!, resourceType, Guid.TryParse(ev["resource_id"]?.ToString(), out var rid) ? rid : null,
            customerId, JsonSerializer.SerializeToElement(data), previous?.Select(p => p.Key).ToArray() ?? [],
            previous is null ? null : JsonSerializer.SerializeToElement(previous), tenant.ActorType, tenant.ActorId, DateTime.UtcNow);
        var input = await TriggerEngine.InputAsync(s, published, ctx.RequestAborted);
        await s.RollbackAsync(ctx.RequestAborted);

        var condition = trigger["condition"] as JsonObject ?? [];
        var conditionErrors = new FieldErrors();
        Conditions.Validate(condition, conditionErrors);
        var eventMatches = !conditionErrors.Any && Conditions.EventMatches(condition, type!);
        var scopeMatches = trigger["customer_id"] is null || trigger["customer_id"]!.ToString() == customerId?.ToString();
        var leaves = new List<LeafResult>();
        var conditionsMatch = !conditionErrors.Any && Conditions.Evaluate(condition, input, leaves);
        var lastFired = trigger["last_fired_at"]?.GetValue<DateTime>();
        var cooldown = trigger["cooldown_minutes"]?.GetValue<int>() ?? 0;
        var coolingDown = cooldown > 0 && lastFired is { } lf && lf.ToUniversalTime() > DateTime.UtcNow.AddMinutes(-cooldown);
        var result = new JsonObject
        {
            ["would_fire"] = trigger["enabled"]?.GetValue<bool>() == true && eventMatches && scopeMatches && conditionsMatch && !coolingDown,
            ["enabled"] = trigger["enabled"]?.DeepClone(),
            ["event_matches"] = eventMatches,
            ["scope_matches"] = scopeMatches,
            ["conditions_match"] = conditionsMatch,
            ["conditions"] = TriggerEngine.Explain(leaves),
            ["cooling_down"] = coolingDown,
            ["actions"] = trigger["actions"]?.DeepClone(),
        };
        if (conditionErrors.Any) result["condition_errors"] = JsonSerializer.SerializeToNode(conditionErrors.ToDictionary());
        return Results.Json(result, statusCode: 200);
    }
}
