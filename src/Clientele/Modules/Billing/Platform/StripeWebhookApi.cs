using System.Text;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Stripe;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// POST /webhooks/stripe. Stripe.net's EventUtility verifies Stripe-Signature (t=…,v1=…: HMAC-SHA256
/// of "t.payload" with Stripe__WebhookSecret, any of several v1 values, constant-time compare,
/// 300 s tolerance). The event is recorded once per event id in its organization's stripe_events
/// and acknowledged at once; the outbox applies it (StripeEventJob). Bad signatures are a 400
/// problem and change nothing; a replay answers duplicate: true and changes nothing.
/// </summary>
public static class StripeWebhookApi
{
    public const string Topic = "billing.stripe_event";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/stripe", Receive).AllowAnonymous().WithTags("Webhooks").WithName("ReceiveStripeWebhook")
            .WithSummary("Stripe events (subscriptions, invoices, payment methods), verified by Stripe-Signature with Stripe__WebhookSecret; idempotent by event id");

    private static async Task<IResult> Receive(HttpContext ctx, StripeSettings settings, AppDataSource app, TenantSessions sessions, Outbox outbox)
    {
        var body = await JsonBody.ReadBytesAsync(ctx);
        if (settings.WebhookSecret is not { } secret)
            throw new ProblemException(503, "Stripe webhooks are not configured", "Set Stripe__WebhookSecret to the endpoint's signing secret (whsec_...).");
        var json = Encoding.UTF8.GetString(body);
        Event e;
        try
        {
            e = EventUtility.ConstructEvent(json, ctx.Request.Headers["Stripe-Signature"].ToString(), secret, settings.ToleranceSeconds, throwOnApiVersionMismatch: false);
        }
        catch (StripeException ex)
        {
            throw new ProblemException(400, "The Stripe signature does not verify",
                $"Stripe-Signature must be t=<unix time>,v1=<hex HMAC-SHA256 of \"t.body\"> with the endpoint's secret, signed within {settings.ToleranceSeconds} s: {ex.Message}");
        }
        catch (Newtonsoft.Json.JsonException)
        {
            throw ProblemException.Validation("body", "is not a Stripe event (JSON)");
        }

        var org = await OrganizationOfAsync(app, e, ctx.RequestAborted);
        if (org is null) return Results.Json(new { received = true, ignored = "no organization has this Stripe customer" });
        var tenant = new TenantContext { OrganizationId = org.Value, Role = Roles.Owner, ActorType = "system" };
        await using var s = sessions.Open(tenant);
        var id = await s.ReadFirstAsync("""
            INSERT INTO stripe_events (id, organization_id, stripe_event_id, type, stripe_created, payload)
            SELECT $1, o.id, $3, $4, $5, $6::jsonb FROM organizations o WHERE o.id = $2
            ON CONFLICT (organization_id, stripe_event_id) DO NOTHING
            RETURNING id
            """, [Guid.CreateVersion7(), org.Value, e.Id, e.Type, DateTime.SpecifyKind(e.Created, DateTimeKind.Utc), json], r => (Guid?)r.GetGuid(0), ctx.RequestAborted);
        if (id is null) return Results.Json(new { received = true, duplicate = true, id = e.Id });
        await outbox.EnqueueAsync(s, Topic, new StripeEventJob.Payload(id.Value), ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(new { received = true, duplicate = false, id = e.Id });
    }

    /// <summary>The organization an event is about: by its Stripe customer, or (a detached payment method) by the method.</summary>
    private static async Task<Guid?> OrganizationOfAsync(AppDataSource app, Event e, CancellationToken ct)
    {
        var (sql, key) = e.Data.Object switch
        {
            Stripe.Subscription sub => ("SELECT clientele_find_org_by_stripe_customer($1)", sub.CustomerId),
            Stripe.Invoice inv => ("SELECT clientele_find_org_by_stripe_customer($1)", inv.CustomerId),
            Stripe.PaymentMethod pm when pm.CustomerId is { } c => ("SELECT clientele_find_org_by_stripe_customer($1)", c),
            Stripe.PaymentMethod pm => ("SELECT clientele_find_org_by_stripe_payment_method($1)", pm.Id),
            _ => ("", null),
        };
        if (key is null) return null;
        await using var cmd = app.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(key);
        return await cmd.ExecuteScalarAsync(ct) is Guid g ? g : null;
    }
}
