using Clientele.Platform.Database;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// What the billing actions of one customer need (its live subscriptions, its open invoices, the
/// catalogue's plan codes) and what the user typed, for the forms of _CustomerBillingForms.cshtml:
/// on the customer page (through <see cref="CustomerBillingViewComponent"/>) and on
/// /app/customers/{id}/billing, which takes their posts and shows a refusal's messages.
/// </summary>
public sealed class CustomerBillingForms
{
    public sealed record Sub(Guid Id, string Plan, string Cycle, string Status, int Seats);
    public sealed record OpenInvoice(Guid Id, string Number, decimal AmountDue, string Currency, DateTime? DueAt);

    public Guid CustomerId { get; init; }
    public bool CanWrite { get; init; }
    public IReadOnlyList<Sub> Subscriptions { get; init; } = [];
    public IReadOnlyList<OpenInvoice> OpenInvoices { get; init; } = [];
    public IReadOnlyList<string> PlanCodes { get; init; } = [];

    /// <summary>The form to show open (the one a refused post came from).</summary>
    public string? Open { get; set; }

    // What was typed (kept after a refusal) or the forms' defaults.
    public string? SubPlan { get; set; }
    public string? SubCycle { get; set; } = "monthly";
    public int? SubSeats { get; set; } = 1;
    public Guid? PlanSubscription { get; set; }
    public string? NewPlan { get; set; }
    public string? NewCycle { get; set; }
    public Guid? PayInvoice { get; set; }
    public string? PayAmount { get; set; }
    public string? PayMethod { get; set; } = "bank_transfer";
    public string? CreditAmount { get; set; }
    public string? CreditCurrency { get; set; } = "USD";
    public string? CreditType { get; set; } = "goodwill";
    public DateOnly? CreditExpires { get; set; }
    public string? CreditReason { get; set; }

    public static async Task<CustomerBillingForms> LoadAsync(TenantSession s, Guid customerId, bool canWrite, CancellationToken ct)
    {
        var subs = await s.ReadListAsync("""
            SELECT id, plan, billing_cycle, status, seats_total FROM subscriptions
            WHERE organization_id = $1 AND customer_id = $2 AND status IN ('trialing', 'active', 'past_due')
            ORDER BY created_at DESC, id LIMIT 50
            """, [s.OrganizationId, customerId], r => new Sub(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4)), ct);
        var invoices = await s.ReadListAsync("""
            SELECT id, invoice_number, amount - amount_paid, currency, due_at FROM invoices
            WHERE organization_id = $1 AND customer_id = $2 AND status IN ('open', 'uncollectible') AND amount > amount_paid AND deleted_at IS NULL
            ORDER BY due_at NULLS LAST, id LIMIT 50
            """, [s.OrganizationId, customerId], r => new OpenInvoice(r.GetGuid(0), r.IsDBNull(1) ? "" : r.GetString(1), r.GetDecimal(2), r.GetString(3),
                r.IsDBNull(4) ? null : DateTime.SpecifyKind(r.GetDateTime(4), DateTimeKind.Utc)), ct);
        var catalogue = await s.ReadListAsync("""
            SELECT DISTINCT code FROM plans WHERE organization_id = $1 AND is_active AND deleted_at IS NULL ORDER BY code
            """, [s.OrganizationId], r => r.GetString(0), ct);
        return new CustomerBillingForms
        {
            CustomerId = customerId, CanWrite = canWrite, Subscriptions = subs, OpenInvoices = invoices,
            PlanCodes = catalogue.Count > 0 ? catalogue : (IReadOnlyList<string>)BillingModel.PlanCodes,
        };
    }
}

/// <summary>The billing actions on the customer page (/app/customers/{id}#billing): <c>&lt;vc:customer-billing customer-id="…" /&gt;</c>.</summary>
public sealed class CustomerBillingViewComponent : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid customerId)
    {
        var tenant = HttpContext.RequestServices.GetRequiredService<TenantContext>();
        await using var s = HttpContext.RequestServices.GetRequiredService<TenantSessions>().Open(tenant);
        var forms = await CustomerBillingForms.LoadAsync(s, customerId, tenant.CanWrite, HttpContext.RequestAborted);
        return View(CustomerBillingModel.FormsView, forms);
    }
}
