using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// /app/billing/subscriptions/{id}: a subscription and its lifecycle actions (activate, change plan,
/// change seats, cancel at the period end or now, reactivate), the same use cases as
/// POST /api/v1/subscriptions/{id}/{action}; a refused action shows the state that refused it.
/// </summary>
public sealed class SubscriptionModel : BillingPage
{
    public sealed record Row(Guid Id, Guid CustomerId, string Customer, string Plan, string Cycle, int Seats, int SeatsUsed, string Status, decimal? Mrr, decimal? Arr,
        DateTime? PeriodStart, DateTime? PeriodEnd, bool CancelAtPeriodEnd, DateTime? CanceledAt, DateTime? TrialEnd, string? ScheduledPlan, string? ScheduledCycle);
    public sealed record CataloguePlan(string Code, string Cycle, string Name, decimal BasePrice, decimal PricePerSeat, string Currency);

    [FromRoute] public Guid Id { get; set; }
    protected override string Noun => "subscription";
    public Row Sub { get; private set; } = null!;
    public IReadOnlyList<CataloguePlan> Plans { get; private set; } = [];
    public IReadOnlyList<BillingOverview.InvoiceRow> Invoices { get; private set; } = [];

    [BindProperty] public string? NewPlan { get; set; }
    [BindProperty] public string? NewCycle { get; set; }
    [BindProperty] public int? SeatsTotal { get; set; }
    [BindProperty] public int? SeatsUsed { get; set; }
    [BindProperty] public bool AtPeriodEnd { get; set; } = true;

    public async Task<IActionResult> OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
        return Sub is null ? NotFound() : Page();
    }

    protected override async Task LoadAsync()
    {
        await using var s = OpenSession();
        Sub = (await s.ReadFirstAsync($"""
            SELECT sub.id, sub.customer_id, {BillingOverview.CustomerName}, sub.plan, sub.billing_cycle, sub.seats_total, sub.seats_used, sub.status, sub.mrr, sub.arr,
                   sub.current_period_start, sub.current_period_end, sub.cancel_at_period_end, sub.canceled_at, sub.trial_end, sub.scheduled_plan, sub.scheduled_billing_cycle
            FROM subscriptions sub JOIN customers c ON c.organization_id = sub.organization_id AND c.id = sub.customer_id
            WHERE sub.organization_id = $1 AND sub.id = $2
            """, [s.OrganizationId, Id], r => new Row(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetInt32(6), r.GetString(7),
                D(r, 8), D(r, 9), U(r, 10), U(r, 11), r.GetBoolean(12), U(r, 13), U(r, 14), S(r, 15), S(r, 16)), Aborted))!;
        if (Sub is null) return;
        // The forms start from the subscription (after a refused post, the fields the user did not send).
        NewPlan ??= Sub.Plan;
        NewCycle ??= Sub.Cycle;
        SeatsTotal ??= Sub.Seats;
        SeatsUsed ??= Sub.SeatsUsed;
        Plans = await s.ReadListAsync("""
            SELECT code, billing_cycle, name, base_price, price_per_seat, currency FROM plans
            WHERE organization_id = $1 AND is_active AND deleted_at IS NULL
            ORDER BY billing_cycle DESC, base_price, code
            """, [s.OrganizationId], r => new CataloguePlan(r.GetString(0), r.GetString(1), r.GetString(2), r.GetDecimal(3), r.GetDecimal(4), r.GetString(5)), Aborted);
        Invoices = (await BillingOverview.InvoicesAsync(s, new BillingOverview.InvoiceFilter(null, false, Sub.CustomerId, null), Aborted))
            .Take(BillingOverview.InvoicePage).ToList();
    }

    private string Back => $"/app/billing/subscriptions/{Id}";

    public Task<IActionResult> OnPostActivateAsync() =>
        ActionAsync(s => ActivateSubscription.RunAsync(s, Id, DateTime.UtcNow, Aborted), "Trial ended: the subscription is active and its first paid period starts now.", Back);

    public async Task<IActionResult> OnPostPlanAsync()
    {
        string effect = "";
        Guid? invoice = null;
        var result = await ActionAsync(async s =>
        {
            var r = await ChangePlan.RunAsync(s, Id, new ChangePlan.Body(NewPlan, NewCycle), DateTime.UtcNow, Aborted);
            (effect, invoice) = (r.Effect, r.ProrationInvoiceId);
            return r.Outcome;
        }, "", Back, nameof(NewPlan));
        if (result is not RedirectResult) return result;
        TempData["flash"] = effect switch
        {
            "upgraded_now" => "Upgraded now: this invoice credits the unused part of the old plan and charges the new one.",
            "scheduled_at_period_end" => $"Downgrade to {NewPlan} scheduled for the end of the period.",
            _ => $"Plan changed to {NewPlan} now.",
        };
        if (invoice is { } inv) return Redirect($"/app/billing/invoices/{inv}");
        return result;
    }

    public Task<IActionResult> OnPostSeatsAsync() =>
        ActionAsync(s => ChangeSeats.RunAsync(s, Id, new ChangeSeats.Body(SeatsTotal, SeatsUsed), Aborted), "Seats changed; MRR and ARR follow the catalogue.", Back, nameof(SeatsTotal));

    public Task<IActionResult> OnPostCancelAsync() =>
        ActionAsync(s => CancelSubscription.RunAsync(s, Id, new CancelSubscription.Body(AtPeriodEnd), DateTime.UtcNow, Aborted),
            AtPeriodEnd ? "The subscription cancels at the end of its period; reactivate it before then to keep it." : "Subscription canceled now.", Back);

    public Task<IActionResult> OnPostReactivateAsync() =>
        ActionAsync(s => ReactivateSubscription.RunAsync(s, Id, DateTime.UtcNow, Aborted), "Cancellation taken back: the subscription renews.", Back);

    private static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static decimal? D(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);
    private static DateTime? U(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
}
