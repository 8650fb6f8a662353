using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// POST /api/v1/subscriptions/{id}/{action}: the lifecycle as domain actions. Each answers the
/// subscription after the change, or a 409 naming its state when the action is not allowed then.
/// </summary>
public static class SubscriptionActionsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/subscriptions/{id}").WithTags("Billing");
        g.MapPost("/activate", (string id, HttpContext ctx, BillingEndpoint e) =>
            e.RunAsync(ctx, "subscriptions", id, (s, guid) => ActivateSubscription.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("ActivateSubscription").WithSummary("End the trial now: trialing → active, the first paid period starts now; 409 in any other state");
        g.MapPost("/change_plan", async (string id, HttpContext ctx, BillingEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ChangePlan.Body>(ctx);
            ChangePlan.Result? r = null;
            return await e.RunAsync(ctx, "subscriptions", id, async (s, guid) => (r = await ChangePlan.RunAsync(s, guid, body, DateTime.UtcNow, ctx.RequestAborted)).Outcome,
                () => new() { ["effect"] = r!.Effect, ["proration_invoice_id"] = r.ProrationInvoiceId?.ToString() });
        }).WithName("ChangeSubscriptionPlan")
            .WithSummary("{plan, billing_cycle?}: an upgrade now with a prorated invoice (proration_invoice_id), a downgrade scheduled for the period end; 409 unless active or trialing");
        g.MapPost("/change_seats", async (string id, HttpContext ctx, BillingEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ChangeSeats.Body>(ctx);
            return await e.RunAsync(ctx, "subscriptions", id, (s, guid) => ChangeSeats.RunAsync(s, guid, body, ctx.RequestAborted));
        }).WithName("ChangeSubscriptionSeats").WithSummary("{seats_total, seats_used?}: seats now, MRR/ARR from the catalogue; 422 when seats_used would exceed seats_total");
        g.MapPost("/cancel", async (string id, HttpContext ctx, BillingEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<CancelSubscription.Body>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "subscriptions", id, (s, guid) => CancelSubscription.RunAsync(s, guid, body, DateTime.UtcNow, ctx.RequestAborted));
        }).WithName("CancelSubscription").WithSummary("{at_period_end = true}: cancel at the period end or now (canceled_at); 409 when already canceled");
        g.MapPost("/reactivate", (string id, HttpContext ctx, BillingEndpoint e) =>
            e.RunAsync(ctx, "subscriptions", id, (s, guid) => ReactivateSubscription.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("ReactivateSubscription").WithSummary("Take back a cancellation scheduled for the period end; 409 when canceled or not set to cancel");
    }
}

/// <summary>
/// Runs one billing action in a tenant transaction and answers the row after it (with optional
/// extra fields), or the action's problem. Writers only.
/// </summary>
public sealed class BillingEndpoint(TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
{
    public async Task<IResult> RunAsync(HttpContext ctx, string table, string id, Func<TenantSession, Guid, Task<ActionOutcome>> action,
        Func<Dictionary<string, string?>>? extra = null)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change billing.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No {table[..^1]} with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var outcome = await action(s, guid);
        outcome.ThrowIfRefused();
        var row = await store.GetAsync(s, registry.Find(table)!, guid, [], false, ct);
        await s.CommitAsync(ct);
        if (extra is null) return new JsonBytesResult(row.Json, 200, row.ETag);
        var json = System.Text.Json.Nodes.JsonNode.Parse(row.Json)!.AsObject();
        foreach (var (k, v) in extra()) json[k] = v;
        return new JsonBytesResult(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), 200, row.ETag);
    }
}
