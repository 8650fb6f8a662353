using System.Text.Json.Nodes;
using Clientele.Modules.Customers;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Mvc;
using static Clientele.Modules.Billing.Pages.BillingOverview;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// /app/billing: MRR and ARR now and invoiced per month over 12 months, subscriptions (each opens
/// its page with the lifecycle actions), invoices with filters (status, overdue, customer; keyset
/// paged), dunning in progress, payments, credits (grant one) and metered usage per customer.
/// </summary>
public sealed class BillingModel : BillingPage
{
    public Totals Sums { get; private set; } = new(0, 0, 0, 0, 0, 0);
    public IReadOnlyList<MonthPoint> History { get; private set; } = [];
    public string HistoryChart { get; private set; } = "";
    public IReadOnlyList<SubscriptionRow> Subscriptions { get; private set; } = [];
    public IReadOnlyList<InvoiceRow> Invoices { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public IReadOnlyList<DunningRow> Dunning { get; private set; } = [];
    public IReadOnlyList<PaymentRow> Payments { get; private set; } = [];
    public IReadOnlyList<CreditRow> Credits { get; private set; } = [];
    public IReadOnlyList<UsageRow> Usage { get; private set; } = [];
    public IReadOnlyList<CustomerOption> InvoicedCustomers { get; private set; } = [];
    public IReadOnlyList<CustomerOption> AllCustomers { get; private set; } = [];
    public InvoiceFilter Filter { get; private set; } = new(null, false, null, null);

    [BindProperty] public Guid? CreditCustomer { get; set; }
    [BindProperty] public string? CreditAmount { get; set; }
    [BindProperty] public string? CreditCurrency { get; set; } = "USD";
    [BindProperty] public string? CreditType { get; set; } = "goodwill";
    [BindProperty] public DateOnly? CreditExpires { get; set; }
    [BindProperty] public string? CreditReason { get; set; }

    [BindProperty] public Guid? SubCustomer { get; set; }
    [BindProperty] public string? SubPlan { get; set; }
    [BindProperty] public string? SubCycle { get; set; } = "monthly";
    [BindProperty] public int? SubSeats { get; set; } = 1;

    public static readonly string[] CreditTypes = ["goodwill", "promotional", "refund", "migration"];
    public static readonly string[] PlanCodes = ["free", "basic", "premium", "enterprise"];

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
    }

    protected override async Task LoadAsync()
    {
        var errors = new FieldErrors();
        var q = Request.Query;
        var status = q["status"].ToString();
        if (status.Length > 0 && !InvoiceFilter.Statuses.Contains(status)) { errors.Add("status", "is not an invoice status"); status = ""; }
        Guid? customer = null;
        if (q["customer"].ToString() is { Length: > 0 } c) { if (Guid.TryParse(c, out var g)) customer = g; else errors.Add("customer", "is not a customer of this list"); }
        Filter = new InvoiceFilter(status.Length > 0 ? status : null, q["overdue"] == "true", customer, KeysetCursor.Decode(q["after"], errors));
        foreach (var (field, messages) in errors.ToDictionary()) foreach (var m in messages) ModelState.AddModelError(field, $"The {field} {m}.");
        if (errors.Any && Response.StatusCode == 200) Response.StatusCode = 422;

        await using var s = OpenSession();
        Sums = await TotalsAsync(s, Aborted) ?? Sums;
        History = await MrrHistoryAsync(s, DateTime.UtcNow, Aborted);
        HistoryChart = Chart(History);
        Subscriptions = await SubscriptionsAsync(s, Aborted);
        var invoices = await InvoicesAsync(s, Filter, Aborted);
        if (invoices.Count > InvoicePage)
        {
            invoices.RemoveAt(InvoicePage);
            var last = invoices[^1];
            NextCursor = new KeysetCursor(last.CreatedAt.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), last.Id).Encode();
        }
        Invoices = invoices;
        InvoicedCustomers = await InvoicedCustomersAsync(s, Aborted);
        AllCustomers = await CustomersAsync(s, Aborted);
        Dunning = await DunningAsync(s, Aborted);
        Payments = await PaymentsAsync(s, null, Aborted);
        Credits = await CreditsAsync(s, Aborted);
        Usage = await UsageAsync(s, Aborted);
    }

    /// <summary>Grants a credit (POST /api/v1/credits): applied to the customer's next finalized invoices, oldest-expiring first.</summary>
    public Task<IActionResult> OnPostCreditAsync()
    {
        if (CreditCustomer is null) ModelState.AddModelError(nameof(CreditCustomer), "Choose the customer.");
        var amount = ParseAmount(CreditAmount, nameof(CreditAmount));
        if (CreditType is null || !CreditTypes.Contains(CreditType)) ModelState.AddModelError(nameof(CreditType), "Choose a credit type.");
        if (CreditExpires is { } e && e <= DateOnly.FromDateTime(DateTime.UtcNow)) ModelState.AddModelError(nameof(CreditExpires), "The expiry must be in the future, or empty for no expiry.");
        var body = new JsonObject
        {
            ["customer_id"] = CreditCustomer?.ToString(), ["amount"] = amount, ["currency"] = (CreditCurrency ?? "USD").Trim().ToUpperInvariant(),
            ["credit_type"] = CreditType, ["reason"] = string.IsNullOrWhiteSpace(CreditReason) ? null : CreditReason.Trim(),
            ["expires_at"] = CreditExpires?.ToDateTime(TimeOnly.MinValue).ToString("o"), ["status"] = "active", ["used_amount"] = 0,
        };
        return CreateAsync("credits", body, "Credit granted: it applies to the customer's next finalized invoice.", "/app/billing#credits", f => f switch
        {
            "customer_id" => nameof(CreditCustomer), "amount" => nameof(CreditAmount), "currency" => nameof(CreditCurrency), "credit_type" => nameof(CreditType),
            "expires_at" => nameof(CreditExpires), "reason" => nameof(CreditReason), _ => "",
        });
    }

    /// <summary>Creates a subscription (POST /api/v1/subscriptions): trialing when the plan has trial days; MRR/ARR from the catalogue.</summary>
    public Task<IActionResult> OnPostSubscriptionAsync()
    {
        if (SubCustomer is null) ModelState.AddModelError(nameof(SubCustomer), "Choose the customer.");
        if (SubPlan is null || !PlanCodes.Contains(SubPlan)) ModelState.AddModelError(nameof(SubPlan), "Choose a plan.");
        if (SubCycle is not ("monthly" or "annual")) ModelState.AddModelError(nameof(SubCycle), "Choose monthly or annual.");
        if (SubSeats is null or < 1 or > 100_000) ModelState.AddModelError(nameof(SubSeats), "Seats are a whole number from 1 to 100,000.");
        var body = new JsonObject
        {
            ["customer_id"] = SubCustomer?.ToString(), ["plan"] = SubPlan, ["billing_cycle"] = SubCycle, ["seats_total"] = SubSeats, ["seats_used"] = 0,
        };
        return CreateAsync("subscriptions", body, $"Subscription created on {SubPlan}.", "/app/billing#subscriptions", f => f switch
        {
            "customer_id" => nameof(SubCustomer), "plan" => nameof(SubPlan), "billing_cycle" => nameof(SubCycle), "seats_total" or "seats_used" => nameof(SubSeats), _ => "",
        });
    }
}
