using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing.Platform;

/// <summary>POST /api/v1/billing/checkout {plan} and /billing/portal: Stripe-hosted pages for the organization's own plan (admins).</summary>
public static class PlatformBillingApi
{
    public sealed record CheckoutBody(string? Plan);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/billing/checkout", async (HttpContext ctx, TenantSessions sessions, TenantContext tenant, PlatformCheckout checkout) =>
        {
            if (!tenant.IsAdmin) throw ProblemException.Forbidden("Changing the organization's plan needs the admin or owner role.");
            var body = await JsonBody.ReadAsync<CheckoutBody>(ctx);
            await using var s = sessions.Open(tenant);
            var url = await checkout.CheckoutUrlAsync(s, body.Plan, BaseUrl(ctx), ctx.RequestAborted);
            return TypedResults.Ok(new { @object = "checkout_session", url });
        }).WithTags("Billing").WithName("PlatformCheckout")
            .WithSummary("{plan: starter|business|enterprise}: a Stripe Checkout Session URL for the organization's plan; 503 when Stripe is not configured");
        api.MapPost("/billing/portal", async (HttpContext ctx, TenantSessions sessions, TenantContext tenant, PlatformCheckout checkout) =>
        {
            if (!tenant.IsAdmin) throw ProblemException.Forbidden("The billing portal needs the admin or owner role.");
            await using var s = sessions.Open(tenant);
            var url = await checkout.PortalUrlAsync(s, BaseUrl(ctx), ctx.RequestAborted);
            return TypedResults.Ok(new { @object = "billing_portal_session", url });
        }).WithTags("Billing").WithName("PlatformBillingPortal")
            .WithSummary("A Stripe billing portal URL (payment methods, invoices, cancel); 409 before the first checkout, 503 when Stripe is not configured");
    }

    public static string BaseUrl(HttpContext ctx) => $"{ctx.Request.Scheme}://{ctx.Request.Host}";
}
