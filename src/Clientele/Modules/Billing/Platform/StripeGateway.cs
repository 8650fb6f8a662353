using Clientele.Platform.Errors;
using Stripe;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// The adapter over Stripe.net for the platform's own billing: one StripeClient per call with the
/// configured key and API base (Stripe's, or the loopback fake in tests), so Stripe.net's own
/// request encoding and response parsing are what run. Stripe errors become a 502 problem.
/// </summary>
public sealed class StripeGateway(StripeSettings settings, IHttpClientFactory http)
{
    public StripeSettings Settings => settings;

    private StripeClient Client()
    {
        if (!settings.Configured) throw NotConfigured();
        return new StripeClient(settings.ApiKey, httpClient: new SystemNetHttpClient(http.CreateClient("stripe"), maxNetworkRetries: 2, appInfo: null, enableTelemetry: false), apiBase: settings.ApiBase);
    }

    public static ProblemException NotConfigured() => new(503, "Stripe is not configured",
        "Platform billing needs Stripe: set Stripe__ApiKey (secret key), Stripe__WebhookSecret (the endpoint's signing secret) and Stripe__Prices__<plan> (price ids of starter, business, enterprise).");

    /// <summary>A Stripe customer for the organization (its id goes in metadata so Stripe's dashboard links back).</summary>
    public Task<Customer> CreateCustomerAsync(Guid org, string name, string? email, CancellationToken ct) => Call(() =>
        new CustomerService(Client()).CreateAsync(new CustomerCreateOptions
        {
            Name = name, Email = email, Metadata = new() { ["organization_id"] = org.ToString() },
        }, new RequestOptions { IdempotencyKey = $"org-customer-{org}" }, ct));

    /// <summary>A subscription-mode Checkout Session for one plan's price.</summary>
    public Task<Stripe.Checkout.Session> CheckoutAsync(string customer, string price, Guid org, string plan, string successUrl, string cancelUrl, CancellationToken ct) => Call(() =>
        new Stripe.Checkout.SessionService(Client()).CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "subscription", Customer = customer, ClientReferenceId = org.ToString(),
            LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = price, Quantity = 1 }],
            SuccessUrl = successUrl, CancelUrl = cancelUrl,
            Metadata = new() { ["organization_id"] = org.ToString(), ["plan"] = plan },
            SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions { Metadata = new() { ["organization_id"] = org.ToString(), ["plan"] = plan } },
        }, null, ct));

    /// <summary>A billing portal session (payment methods, invoices, cancel) returning to returnUrl.</summary>
    public Task<Stripe.BillingPortal.Session> PortalAsync(string customer, string returnUrl, CancellationToken ct) => Call(() =>
        new Stripe.BillingPortal.SessionService(Client()).CreateAsync(new Stripe.BillingPortal.SessionCreateOptions { Customer = customer, ReturnUrl = returnUrl }, null, ct));

    /// <summary>One Billing Meter event of the meter <paramref name="eventName"/>; Stripe keeps one event per identifier, so a repeat is harmless.</summary>
    public Task<Stripe.Billing.MeterEvent> MeterEventAsync(string eventName, string customer, long value, DateTime timestamp, string identifier, CancellationToken ct) => Call(() =>
        new Stripe.Billing.MeterEventService(Client()).CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = eventName, Identifier = identifier, Timestamp = timestamp,
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, null, ct));

    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (StripeException e)
        {
            throw new ProblemException(502, "Stripe refused the request", $"Stripe answered {(int)e.HttpStatusCode}: {e.StripeError?.Message ?? e.Message}");
        }
    }
}
