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
        g.MapPost("/activate", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "subscriptions", id, (s, guid) => ActivateSubscription.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("ActivateSubscription").WithSummary("End the trial now: trialing → active, the first paid period starts now; 409 in any other state");
        g.MapPost("/change_plan", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ChangePlan.Body>(ctx);
            ChangePlan.Result? r = null;
            return await e.RunAsync(ctx, "subscriptions", id, async (s, guid) => (r = await ChangePlan.RunAsync(s, guid, body, DateTime.UtcNow, ctx.RequestAborted)).Outcome,
                () => new() { ["effect"] = r!.Effect, ["proration_invoice_id"] = r.ProrationInvoiceId?.ToString() });
        }).WithName("ChangeSubscriptionPlan")
            .WithSummary("{plan, billing_cycle?}: an upgrade now with a prorated invoice (proration_invoice_id), a downgrade scheduled for the period end; 409 unless active or trialing");
        g.MapPost("/change_seats", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ChangeSeats.Body>(ctx);
            return await e.RunAsync(ctx, "subscriptions", id, (s, guid) => ChangeSeats.RunAsync(s, guid, body, ctx.RequestAborted));
        }).WithName("ChangeSubscriptionSeats").WithSummary("{seats_total, seats_used?}: seats now, MRR/ARR from the catalogue; 422 when seats_used would exceed seats_total");
        g.MapPost("/cancel", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<CancelSubscription.Body>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "subscriptions", id, (s, guid) => CancelSubscription.RunAsync(s, guid, body, DateTime.UtcNow, ctx.RequestAborted));
        }).WithName("CancelSubscription").WithSummary("{at_period_end = true}: cancel at the period end or now (canceled_at); 409 when already canceled");
        g.MapPost("/reactivate", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "subscriptions", id, (s, guid) => ReactivateSubscription.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("ReactivateSubscription").WithSummary("Take back a cancellation scheduled for the period end; 409 when canceled or not set to cancel");
    }
}
