using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// Stripe's API on loopback, in its wire format: form-encoded POSTs (bracketed keys such as
/// line_items[0][price]) authenticated by "Authorization: Bearer sk_...", answered with Stripe's
/// JSON objects or its error envelope ({"error": {"type", "message"}}). It serves what the platform
/// billing calls (customers, checkout sessions, billing portal sessions, billing meter events) and
/// records every call. It also signs events the way Stripe signs webhooks (Stripe-Signature:
/// t=…,v1=HMAC-SHA256("t.payload")) so tests can deliver them to /webhooks/stripe.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string ApiKey = "sk_test_fake_platform";
    public const string WebhookSecret = "whsec_fake_platform_secret";

    public sealed record Call(string Method, string Path, string? Authorization, string? IdempotencyKey, Dictionary<string, string> Form);

    private WebApplication _app = null!;
    private int _counter;

    public ConcurrentQueue<Call> Calls { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;
    public IEnumerable<Call> CallsTo(string path) => Calls.Where(c => c.Path == path);

    public static async Task<FakeStripe> StartAsync()
    {
        var fake = new FakeStripe();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.Run(fake.HandleAsync);
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return fake;
    }

    private string NextId(string prefix) => $"{prefix}_fake{Interlocked.Increment(ref _counter):D6}";

    private async Task HandleAsync(HttpContext ctx)
    {
        var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        var form = QueryHelpers.ParseQuery(body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
        var auth = ctx.Request.Headers.Authorization.ToString();
        Calls.Enqueue(new Call(ctx.Request.Method, ctx.Request.Path, auth, ctx.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null, form));
        if (auth != "Bearer " + ApiKey)
        {
            await ErrorAsync(ctx, 401, "invalid_request_error", "Invalid API Key provided.");
            return;
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject? answer = (ctx.Request.Method, ctx.Request.Path.Value) switch
        {
            ("POST", "/v1/customers") => new JsonObject
            {
                ["id"] = NextId("cus"), ["object"] = "customer", ["created"] = now, ["email"] = form.GetValueOrDefault("email"), ["name"] = form.GetValueOrDefault("name"),
                ["livemode"] = false, ["metadata"] = Metadata(form, "metadata"),
            },
            ("POST", "/v1/checkout/sessions") => Checkout(form, now),
            ("POST", "/v1/billing_portal/sessions") => new JsonObject
            {
                ["id"] = NextId("bps"), ["object"] = "billing_portal.session", ["created"] = now, ["customer"] = form.GetValueOrDefault("customer"),
                ["livemode"] = false, ["return_url"] = form.GetValueOrDefault("return_url"), ["url"] = $"https://billing.stripe.test/p/session/{NextId("test")}",
            },
            ("POST", "/v1/billing/meter_events") => new JsonObject
            {
                ["object"] = "billing.meter_event", ["created"] = now, ["event_name"] = form.GetValueOrDefault("event_name"), ["identifier"] = form.GetValueOrDefault("identifier"),
                ["livemode"] = false, ["payload"] = Metadata(form, "payload"), ["timestamp"] = long.Parse(form.GetValueOrDefault("timestamp") ?? now.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            },
            _ => null,
        };
        if (answer is null)
        {
            await ErrorAsync(ctx, 404, "invalid_request_error", $"Unrecognized request URL ({ctx.Request.Method}: {ctx.Request.Path}).");
            return;
        }
        if (answer["error"] is JsonObject)
        {
            ctx.Response.StatusCode = 400;
        }
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Request-Id"] = NextId("req");
        await ctx.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject Checkout(Dictionary<string, string> form, long now)
    {
        if (form.GetValueOrDefault("mode") is not ("subscription" or "payment" or "setup"))
            return new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["param"] = "mode", ["message"] = "Missing required param: mode." } };
        if (!form.ContainsKey("line_items[0][price]"))
            return new JsonObject { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["param"] = "line_items", ["message"] = "Missing required param: line_items." } };
        var id = NextId("cs_test");
        return new JsonObject
        {
            ["id"] = id, ["object"] = "checkout.session", ["created"] = now, ["expires_at"] = now + 86400, ["mode"] = form["mode"], ["status"] = "open",
            ["customer"] = form.GetValueOrDefault("customer"), ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
            ["success_url"] = form.GetValueOrDefault("success_url"), ["cancel_url"] = form.GetValueOrDefault("cancel_url"), ["livemode"] = false,
            ["metadata"] = Metadata(form, "metadata"), ["payment_status"] = "unpaid", ["url"] = $"https://checkout.stripe.test/c/pay/{id}",
        };
    }

    /// <summary>metadata[key]=value form fields as the JSON object Stripe echoes.</summary>
    private static JsonObject Metadata(Dictionary<string, string> form, string prefix)
    {
        var o = new JsonObject();
        foreach (var (k, v) in form)
            if (k.StartsWith(prefix + "[", StringComparison.Ordinal) && k.EndsWith(']') && k.IndexOf('[', prefix.Length + 1) < 0)
                o[k[(prefix.Length + 1)..^1]] = v;
        return o;
    }

    private static async Task ErrorAsync(HttpContext ctx, int status, string type, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["message"] = message } }.ToJsonString());
    }

    /// <summary>Stripe's webhook signature header for a payload: t=timestamp, one v1 per secret given.</summary>
    public static string Sign(string payload, DateTimeOffset at, params string[] secrets)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var v1 = secrets.Select(secret => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}"))));
        return $"t={t}," + string.Join(",", v1.Select(v => "v1=" + v));
    }

    /// <summary>A v1 snapshot event as Stripe sends it to a webhook endpoint.</summary>
    public static string Event(string id, string type, DateTimeOffset created, JsonObject obj) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion, ["created"] = created.ToUnixTimeSeconds(),
        ["data"] = new JsonObject { ["object"] = obj }, ["livemode"] = false, ["pending_webhooks"] = 1,
        ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null }, ["type"] = type,
    }.ToJsonString();

    /// <summary>A subscription object (API 2025+: the period lives on its items).</summary>
    public static JsonObject Subscription(string id, string customer, string price, string status, DateTimeOffset periodStart, DateTimeOffset periodEnd,
        bool cancelAtPeriodEnd = false) => new()
    {
        ["id"] = id, ["object"] = "subscription", ["customer"] = customer, ["status"] = status, ["cancel_at_period_end"] = cancelAtPeriodEnd,
        ["created"] = periodStart.ToUnixTimeSeconds(), ["start_date"] = periodStart.ToUnixTimeSeconds(), ["livemode"] = false, ["currency"] = "usd",
        ["metadata"] = new JsonObject(), ["trial_end"] = null,
        ["items"] = new JsonObject
        {
            ["object"] = "list", ["has_more"] = false, ["url"] = $"/v1/subscription_items?subscription={id}",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = "si_" + id, ["object"] = "subscription_item", ["quantity"] = 1, ["subscription"] = id, ["created"] = periodStart.ToUnixTimeSeconds(),
                ["current_period_start"] = periodStart.ToUnixTimeSeconds(), ["current_period_end"] = periodEnd.ToUnixTimeSeconds(), ["metadata"] = new JsonObject(),
                ["price"] = new JsonObject { ["id"] = price, ["object"] = "price", ["currency"] = "usd", ["active"] = true, ["type"] = "recurring" },
            }),
        },
    };

    public static JsonObject Invoice(string id, string customer, long totalCents, string status, DateTimeOffset created, DateTimeOffset? paidAt = null) => new()
    {
        ["id"] = id, ["object"] = "invoice", ["customer"] = customer, ["status"] = status, ["total"] = totalCents, ["amount_due"] = totalCents,
        ["amount_paid"] = paidAt is null ? 0 : totalCents, ["currency"] = "usd", ["created"] = created.ToUnixTimeSeconds(), ["due_date"] = null, ["livemode"] = false,
        ["invoice_pdf"] = $"https://pay.stripe.test/invoice/{id}/pdf", ["hosted_invoice_url"] = $"https://invoice.stripe.test/i/{id}",
        ["status_transitions"] = new JsonObject { ["finalized_at"] = created.ToUnixTimeSeconds(), ["paid_at"] = paidAt?.ToUnixTimeSeconds() },
    };

    public static JsonObject Card(string id, string? customer, string brand, string last4, int expMonth, int expYear) => new()
    {
        ["id"] = id, ["object"] = "payment_method", ["type"] = "card", ["customer"] = customer, ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["livemode"] = false,
        ["card"] = new JsonObject { ["brand"] = brand, ["last4"] = last4, ["exp_month"] = expMonth, ["exp_year"] = expYear, ["country"] = "US", ["funding"] = "credit" },
    };

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
