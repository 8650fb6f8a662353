using Clientele.Modules.Billing.Limits;
using Clientele.Modules.Billing.Platform;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// /app/settings/plan: the organization's own plan with Clientele, its use against the plan's
/// limits (the figures of GET /api/v1/organization/usage), the platform subscription, invoices and
/// payment methods (kept in step with Stripe by its webhooks), and the plans to move to.
/// </summary>
public sealed class PlanSettingsModel : BillingPage
{
    public sealed record SubscriptionInfo(string Plan, string Status, DateTime? PeriodEnd, bool CancelAtPeriodEnd, DateTime? TrialEnd);
    public sealed record InvoiceInfo(string? StripeId, decimal Amount, string Status, DateTime DueDate, DateTime? PaidAt, string? Pdf);
    public sealed record MethodInfo(string Type, string? Brand, string? Last4, int? ExpMonth, int? ExpYear, bool IsDefault);

    public OrganizationUsage Usage { get; private set; } = null!;
    public SubscriptionInfo? Subscription { get; private set; }
    public IReadOnlyList<InvoiceInfo> Invoices { get; private set; } = [];
    public IReadOnlyList<MethodInfo> Methods { get; private set; } = [];
    public PlatformPlan? Current => PlatformPlan.Find(Usage.Plan);

    /// <summary>Whether plan changes can go through Stripe here (Stripe__ApiKey is set).</summary>
    public bool StripeReady => Service<StripeSettings>().Configured;

    public async Task OnGetAsync(string? checkout)
    {
        Flash = checkout switch
        {
            "done" => "Thank you: the plan changes as soon as Stripe confirms the payment (usually within seconds).",
            "canceled" => "Checkout canceled: nothing changed.",
            _ => TempData["flash"] as string,
        };
        await LoadAsync();
    }

    /// <summary>Upgrade (or change) the plan: off to Stripe Checkout; the webhook applies the plan when paid.</summary>
    public Task<IActionResult> OnPostCheckoutAsync(string? plan) =>
        StripePageAsync(s => Service<PlatformCheckout>().CheckoutUrlAsync(s, plan, PlatformBillingApi.BaseUrl(HttpContext), Aborted));

    /// <summary>Payment methods, invoices and cancellation in Stripe's billing portal.</summary>
    public Task<IActionResult> OnPostPortalAsync() =>
        StripePageAsync(s => Service<PlatformCheckout>().PortalUrlAsync(s, PlatformBillingApi.BaseUrl(HttpContext), Aborted));

    private async Task<IActionResult> StripePageAsync(Func<TenantSession, Task<string>> url)
    {
        RequireAdmin();
        try
        {
            await using var s = OpenSession();
            return Redirect(await url(s));
        }
        catch (ProblemException p) when (p.Status is 409 or 422 or 502 or 503)
        {
            ModelState.AddModelError("", p.Detail ?? p.Title);
            return await RerenderAsync(p.Status);
        }
    }

    protected override async Task LoadAsync()
    {
        await using var s = OpenSession();
        Usage = await OrganizationUsageApi.ReadAsync(s, DateTime.UtcNow, Aborted);
        Subscription = await s.ReadFirstAsync("""
            SELECT plan, status, current_period_end, cancel_at_period_end, trial_end FROM platform_subscriptions WHERE organization_id = $1
            ORDER BY updated_at DESC LIMIT 1
            """, [s.OrganizationId], r => new SubscriptionInfo(r.GetString(0), r.GetString(1), U(r, 2), !r.IsDBNull(3) && r.GetBoolean(3), U(r, 4)), Aborted);
        Invoices = await s.ReadListAsync("""
            SELECT stripe_invoice_id, amount, status, due_date, paid_at, invoice_pdf FROM platform_invoices WHERE organization_id = $1
            ORDER BY due_date DESC, id LIMIT 12
            """, [s.OrganizationId], r => new InvoiceInfo(S(r, 0), r.GetDecimal(1), r.GetString(2), U(r, 3)!.Value, U(r, 4), S(r, 5)), Aborted);
        Methods = await s.ReadListAsync("""
            SELECT type, card_brand, card_last4, card_exp_month, card_exp_year, coalesce(is_default, false) FROM payment_methods WHERE organization_id = $1
            ORDER BY is_default DESC NULLS LAST, created_at, id
            """, [s.OrganizationId], r => new MethodInfo(r.GetString(0), S(r, 1), S(r, 2), I(r, 3), I(r, 4), r.GetBoolean(5)), Aborted);
    }

    public static string LimitLabel(string limit) => limit switch
    {
        "max_users" => "People (users and pending invitations)", "max_agents" => "Active AI agents", "max_messages" => "Messages this month (AI replies and outbound)",
        _ => "Storage",
    };

    public static string Quantity(string limit, long? v) => v is not { } n ? "unlimited" : limit == "max_storage" ? Bytes(n) : n.ToString("#,##0");

    public static string Bytes(long n) => n >= 1L << 30 ? $"{n / (double)(1L << 30):0.#} GB" : n >= 1L << 20 ? $"{n / (double)(1L << 20):0.#} MB" : $"{n:#,##0} bytes";

    private static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static int? I(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    private static DateTime? U(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
}
