using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Invoices;
using Clientele.Modules.Billing.Pdf;
using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Billing.Pages;

/// <summary>
/// /app/billing/invoices/{id}: the invoice with its lines (credits as negative lines), totals and
/// payments, the PDF, and its actions: finalize, void, mark uncollectible, send, record a payment.
/// Each action is the API's use case (FinalizeInvoice, VoidInvoice, SendInvoice, POST /payments).
/// </summary>
public sealed class InvoiceModel : BillingPage
{
    public sealed record Head(Guid Id, string? Number, Guid CustomerId, string Customer, string? CustomerEmail, string Status, string Currency, decimal Subtotal,
        decimal CreditsApplied, decimal Amount, decimal AmountPaid, DateTime? IssuedAt, DateTime? DueAt, DateTime? PaidAt, DateTime? PeriodStart, DateTime? PeriodEnd,
        string BillingReason, Guid? SubscriptionId, int RemindersSent, DateTime? SentAt)
    {
        public decimal AmountDue => Status is "open" or "uncollectible" ? Amount - AmountPaid : 0;
        public bool Overdue => Status == "open" && DueAt < DateTime.UtcNow;
    }
    public sealed record Line(string Kind, string Description, decimal Quantity, decimal UnitPrice, decimal Amount, DateTime? PeriodStart, DateTime? PeriodEnd);

    [FromRoute] public Guid Id { get; set; }
    protected override string Noun => "invoice";
    public Head Invoice { get; private set; } = null!;
    public IReadOnlyList<Line> Lines { get; private set; } = [];
    public IReadOnlyList<BillingOverview.PaymentRow> Payments { get; private set; } = [];

    [BindProperty] public string? PaymentAmount { get; set; }
    [BindProperty] public string? PaymentMethod { get; set; } = "bank_transfer";

    public static readonly string[] Methods = ["bank_transfer", "card", "sepa_debit", "cash", "check"];

    public async Task<IActionResult> OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        await LoadAsync();
        if (Invoice is null) return NotFound();
        PaymentAmount ??= Invoice.AmountDue > 0 ? Invoice.AmountDue.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : null;
        return Page();
    }

    protected override async Task LoadAsync()
    {
        await using var s = OpenSession();
        Invoice = (await s.ReadFirstAsync($"""
            SELECT i.id, i.invoice_number, i.customer_id, {BillingOverview.CustomerName}, c.email, i.status, i.currency, i.subtotal, i.credits_applied, i.amount, i.amount_paid,
                   i.issued_at, i.due_at, i.paid_at, i.period_start, i.period_end, i.billing_reason, i.subscription_id, i.reminders_sent, i.sent_at
            FROM invoices i JOIN customers c ON c.organization_id = i.organization_id AND c.id = i.customer_id
            WHERE i.organization_id = $1 AND i.id = $2
            """, [s.OrganizationId, Id], r => new Head(r.GetGuid(0), S(r, 1), r.GetGuid(2), r.GetString(3), S(r, 4), r.GetString(5), r.GetString(6), r.GetDecimal(7),
                r.GetDecimal(8), r.GetDecimal(9), r.GetDecimal(10), U(r, 11), U(r, 12), U(r, 13), U(r, 14), U(r, 15), r.GetString(16), r.IsDBNull(17) ? null : r.GetGuid(17),
                r.GetInt32(18), U(r, 19)), Aborted))!;
        if (Invoice is null) return;
        Lines = await s.ReadListAsync("""
            SELECT kind, description, quantity, unit_price, amount, period_start, period_end FROM invoice_lines
            WHERE organization_id = $1 AND invoice_id = $2 ORDER BY (kind = 'credit'), created_at, id
            """, [s.OrganizationId, Id], r => new Line(r.GetString(0), r.GetString(1), r.GetDecimal(2), r.GetDecimal(3), r.GetDecimal(4), U(r, 5), U(r, 6)), Aborted);
        Payments = await BillingOverview.PaymentsAsync(s, Id, Aborted);
    }

    private string Back => $"/app/billing/invoices/{Id}";

    public Task<IActionResult> OnPostFinalizeAsync() =>
        ActionAsync(s => FinalizeInvoice.RunAsync(s, Id, DateTime.UtcNow, Aborted), "Invoice finalized: it has its number and is open for payment.", Back);

    public Task<IActionResult> OnPostVoidAsync() =>
        ActionAsync(s => VoidInvoice.RunAsync(s, Id, DateTime.UtcNow, Aborted), "Invoice voided; the credits it used are given back.", Back);

    public Task<IActionResult> OnPostUncollectibleAsync() =>
        ActionAsync(s => VoidInvoice.MarkUncollectibleAsync(s, Id, Aborted), "Invoice marked uncollectible.", Back);

    public Task<IActionResult> OnPostSendAsync() =>
        ActionAsync(s => SendInvoice.RunAsync(s, Id, Service<SmtpRelay>(), DateTime.UtcNow, Aborted), "Invoice sent by email with its PDF.", Back);

    /// <summary>Records a succeeded payment against this invoice (POST /api/v1/payments): it settles the invoice when it covers the balance.</summary>
    public async Task<IActionResult> OnPostPaymentAsync()
    {
        RequireWrite();
        await LoadAsync();
        if (Invoice is null) return NotFound();
        var amount = ParseAmount(PaymentAmount, nameof(PaymentAmount));
        if (PaymentMethod is null || !Methods.Contains(PaymentMethod)) ModelState.AddModelError(nameof(PaymentMethod), "Choose how it was paid.");
        var body = new JsonObject
        {
            ["customer_id"] = Invoice.CustomerId.ToString(), ["invoice_id"] = Id.ToString(), ["amount"] = amount, ["currency"] = Invoice.Currency,
            ["status"] = "succeeded", ["payment_method"] = PaymentMethod, ["processed_at"] = DateTime.UtcNow.ToString("o"),
        };
        return await CreateAsync("payments", body, "Payment recorded.", Back, f => f is "amount" ? nameof(PaymentAmount) : f is "payment_method" ? nameof(PaymentMethod) : "");
    }

    private static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTime? U(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
}
