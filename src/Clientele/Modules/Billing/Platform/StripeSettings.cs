using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// Stripe settings (Stripe__ApiKey, Stripe__WebhookSecret, Stripe__ApiBase, Stripe__Prices__{plan},
/// Stripe__MeterEvent). Without an API key the platform billing endpoints answer 503 saying what
/// to set; the rest of the product works.
/// </summary>
public sealed class StripeSettings(IConfiguration config)
{
    public const string DefaultApiBase = "https://api.stripe.com";

    public string? ApiKey => Value("Stripe:ApiKey");
    public string? WebhookSecret => Value("Stripe:WebhookSecret");
    public string ApiBase => Value("Stripe:ApiBase") ?? DefaultApiBase;
    /// <summary>The Billing Meter event name the monthly message use is reported under.</summary>
    public string MeterEvent => Value("Stripe:MeterEvent") ?? "clientele_messages";
    /// <summary>The Billing Meter event name the monthly AI token use (llm_usage_logs) is reported under.</summary>
    public string TokensMeterEvent => Value("Stripe:TokensMeterEvent") ?? "clientele_ai_tokens";
    /// <summary>Seconds a signed webhook stays acceptable (Stripe's default tolerance).</summary>
    public long ToleranceSeconds => config.GetValue("Stripe:ToleranceSeconds", 300L);

    public bool Configured => ApiKey is not null;

    /// <summary>The Stripe price id of a platform plan (Stripe__Prices__starter = price_...).</summary>
    public string? PriceOf(string plan) => Value($"Stripe:Prices:{plan}");

    /// <summary>The plan a Stripe price id stands for (null: a price this product does not sell).</summary>
    public string? PlanOf(string? priceId) =>
        priceId is null ? null : PlatformPlan.All.FirstOrDefault(p => PriceOf(p.Code) == priceId)?.Code;

    private string? Value(string key) => config[key] is { Length: > 0 } v ? v.Trim() : null;
}
