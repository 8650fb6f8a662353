using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// /app/customers/{id}/billing: the billing actions of one customer, posted from the customer
/// page's billing section: create a subscription, change a subscription's plan, record a payment
/// against an open invoice, grant a credit. Each is the API's use case (POST /subscriptions,
/// ChangePlan, POST /payments, POST /credits); done, it goes back to the customer page; refused,
/// this page shows the forms again with the message and the problem's status (nothing is written).
/// </summary>
public sealed class CustomerBillingModel : BillingPage
{
    public const string FormsView = "/Modules/Billing/Pages/_CustomerBillingForms.cshtml";

    [FromRoute] public Guid Id { get; set; }
    protected override string Noun => "subscription";
    public string CustomerName { get; private set; } = "";
    public CustomerBillingForms Forms { get; private set; } = new();

    [BindProperty] public string? SubPlan { get; set; }
    [BindProperty] public string? SubCycle { get; set; }
    [BindProperty] public int? SubSeats { get; set; }
    [BindProperty] public Guid? PlanSubscription { get; set; }
    [BindProperty] public string? NewPlan { get; set; }
    [BindProperty] public string? NewCycle { get; set; }
    [BindProperty] public Guid? PayInvoice { get; set; }
    [BindProperty] public string? PayAmount { get; set; }
    [BindProperty] public string? PayMethod { get; set; }
    [BindProperty] public string? CreditAmount { get; set; }
    [BindProperty] public string? CreditCurrency { get; set; }
    [BindProperty] public string? CreditType { get; set; }
    [BindProperty] public DateOnly? CreditExpires { get; set; }
    [BindProperty] public string? CreditReason { get; set; }

    private string Back => $"/app/customers/{Id}#billing";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return CustomerName.Length == 0 ? NotFound() : Page();
    }

    protected override async Task LoadAsync()
    {
        await using var s = OpenSession();
        CustomerName = await s.ReadFirstAsync($"""
            SELECT {BillingOverview.CustomerName} FROM customers c WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL
            """, [s.OrganizationId, Id], r => r.GetString(0), Aborted) ?? "";
        var forms = await CustomerBillingForms.LoadAsync(s, Id, CanWrite, Aborted);
        // After a refusal the forms show what was typed.
        forms.SubPlan = SubPlan ?? forms.SubPlan; forms.SubCycle = SubCycle ?? forms.SubCycle; forms.SubSeats = SubSeats ?? forms.SubSeats;
        forms.PlanSubscription = PlanSubscription; forms.NewPlan = NewPlan; forms.NewCycle = NewCycle;
        forms.PayInvoice = PayInvoice; forms.PayAmount = PayAmount; forms.PayMethod = PayMethod ?? forms.PayMethod;
        forms.CreditAmount = CreditAmount; forms.CreditCurrency = CreditCurrency ?? forms.CreditCurrency; forms.CreditType = CreditType ?? forms.CreditType;
        forms.CreditExpires = CreditExpires; forms.CreditReason = CreditReason;
        forms.Open = Request.Query["handler"].ToString().ToLowerInvariant();
        Forms = forms;
    }

    /// <summary>POST /api/v1/subscriptions for this customer: trialing when the plan has trial days; MRR/ARR from the catalogue.</summary>
    public async Task<IActionResult> OnPostSubscriptionAsync()
    {
        RequireWrite();
        await LoadAsync();
        if (CustomerName.Length == 0) return NotFound();
        if (SubPlan is null || !Forms.PlanCodes.Contains(SubPlan)) ModelState.AddModelError(nameof(SubPlan), "Choose a plan.");
        if (SubCycle is not ("monthly" or "annual")) ModelState.AddModelError(nameof(SubCycle), "Choose monthly or annual.");
        if (SubSeats is null or < 1 or > 100_000) ModelState.AddModelError(nameof(SubSeats), "Seats are a whole number from 1 to 100,000.");
        var body = new JsonObject { ["customer_id"] = Id.ToString(), ["plan"] = SubPlan, ["billing_cycle"] = SubCycle, ["seats_total"] = SubSeats, ["seats_used"] = 0 };
        return await CreateAsync("subscriptions", body, $"Subscription created on {SubPlan} ({SubCycle}).", Back, f => f switch
        {
            "plan" => nameof(SubPlan), "billing_cycle" => nameof(SubCycle), "seats_total" or "seats_used" => nameof(SubSeats), _ => "",
        });
    }

    /// <summary>ChangePlan on one of this customer's live subscriptions: an upgrade now with a proration invoice, a downgrade at the period end.</summary>
    public async Task<IActionResult> OnPostPlanAsync()
    {
        RequireWrite();
        await LoadAsync();
        if (CustomerName.Length == 0) return NotFound();
        if (PlanSubscription is not { } sub || Forms.Subscriptions.All(x => x.Id != sub))
        {
            ModelState.AddModelError(nameof(PlanSubscription), "Choose one of this customer's live subscriptions.");
            return await RerenderAsync(422);
        }
        var effect = "";
        string? number = null;
        var result = await ActionAsync(async s =>
        {
            var r = await ChangePlan.RunAsync(s, sub, new ChangePlan.Body(NewPlan, NewCycle), DateTime.UtcNow, Aborted);
            effect = r.Effect;
            if (r.ProrationInvoiceId is { } inv)
                number = await s.ReadFirstAsync("SELECT invoice_number FROM invoices WHERE organization_id = $1 AND id = $2", [s.OrganizationId, inv], x => x.IsDBNull(0) ? null : x.GetString(0), Aborted);
            return r.Outcome;
        }, "", Back, nameof(NewPlan));
        if (result is RedirectResult)
            TempData["flash"] = effect switch
            {
                "upgraded_now" => $"Upgraded to {NewPlan} now: invoice {number} credits the unused part of the old plan and charges the new one.",
                "scheduled_at_period_end" => $"Downgrade to {NewPlan} scheduled for the end of the period.",
                _ => $"Plan changed to {NewPlan} now.",
            };
        return result;
    }

    /// <summary>POST /api/v1/payments (succeeded) against one of this customer's open invoices: it settles the invoice when it covers the balance.</summary>
    public async Task<IActionResult> OnPostPaymentAsync()
    {
        RequireWrite();
        await LoadAsync();
        if (CustomerName.Length == 0) return NotFound();
        var invoice = Forms.OpenInvoices.FirstOrDefault(i => i.Id == PayInvoice);
        if (invoice is null) ModelState.AddModelError(nameof(PayInvoice), "Choose one of this customer's open invoices.");
        var amount = ParseAmount(PayAmount, nameof(PayAmount));
        if (PayMethod is null || !InvoiceModel.Methods.Contains(PayMethod)) ModelState.AddModelError(nameof(PayMethod), "Choose how it was paid.");
        var body = new JsonObject
        {
            ["customer_id"] = Id.ToString(), ["invoice_id"] = PayInvoice?.ToString(), ["amount"] = amount, ["currency"] = invoice?.Currency,
            ["status"] = "succeeded", ["payment_method"] = PayMethod, ["processed_at"] = DateTime.UtcNow.ToString("o"),
        };
        return await CreateAsync("payments", body, $"Payment of {Amount(amount ?? 0, invoice?.Currency)} recorded against {invoice?.Number}.", Back,
            f => f switch { "amount" => nameof(PayAmount), "payment_method" => nameof(PayMethod), "invoice_id" => nameof(PayInvoice), _ => "" });
    }

    /// <summary>POST /api/v1/credits for this customer: applied to its next finalized invoices, oldest-expiring first.</summary>
    public async Task<IActionResult> OnPostCreditAsync()
    {
        RequireWrite();
        await LoadAsync();
        if (CustomerName.Length == 0) return NotFound();
        var amount = ParseAmount(CreditAmount, nameof(CreditAmount));
        if (CreditType is null || !BillingModel.CreditTypes.Contains(CreditType)) ModelState.AddModelError(nameof(CreditType), "Choose a credit type.");
        if (CreditExpires is { } e && e <= DateOnly.FromDateTime(DateTime.UtcNow)) ModelState.AddModelError(nameof(CreditExpires), "The expiry must be in the future, or empty for no expiry.");
        var body = new JsonObject
        {
            ["customer_id"] = Id.ToString(), ["amount"] = amount, ["currency"] = (CreditCurrency ?? "USD").Trim().ToUpperInvariant(),
            ["credit_type"] = CreditType, ["reason"] = string.IsNullOrWhiteSpace(CreditReason) ? null : CreditReason.Trim(),
            ["expires_at"] = CreditExpires?.ToDateTime(TimeOnly.MinValue).ToString("o"), ["status"] = "active", ["used_amount"] = 0,
        };
        return await CreateAsync("credits", body, $"Credit of {Amount(amount ?? 0)} granted: it applies to the customer's next finalized invoice.", Back, f => f switch
        {
            "amount" => nameof(CreditAmount), "currency" => nameof(CreditCurrency), "credit_type" => nameof(CreditType),
            "expires_at" => nameof(CreditExpires), "reason" => nameof(CreditReason), _ => "",
        });
    }
}
