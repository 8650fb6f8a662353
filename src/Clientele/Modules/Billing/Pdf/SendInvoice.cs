using System.Globalization;
using System.Net;
using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using MimeKit;

namespace Clientele.Modules.Billing.Pdf;

/// <summary>
/// send: mails a finalized invoice (open, paid or uncollectible) to the customer with its PDF
/// attached, through the product's MailKit relay (<see cref="SmtpRelay"/>, Smtp__*); sent_at records it.
/// Without SMTP configured the answer is a 503 problem saying what to set; a relay refusal is a 502.
/// </summary>
public static class SendInvoice
{
    private sealed record Target(string Status, string? InvoiceNumber, string Email, string? Name, string OrgName, decimal Amount, decimal AmountPaid, string Currency, DateTime? DueAt);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, SmtpRelay relay, DateTime now, CancellationToken ct)
    {
        var t = await s.QueryFirstOrDefaultAsync<Target>("""
            SELECT i.status, i.invoice_number, c.email, c.name, o.name AS org_name, i.amount, i.amount_paid, i.currency, i.due_at
            FROM invoices i JOIN customers c ON c.organization_id = i.organization_id AND c.id = i.customer_id JOIN organizations o ON o.id = i.organization_id
            WHERE i.organization_id = @org AND i.id = @id AND i.deleted_at IS NULL FOR UPDATE OF i
            """, new { org = s.OrganizationId, id }, ct);
        if (t is null) return ActionOutcome.Missing($"No invoice with id {id}.");
        if (t.Status is "draft" or "void") return ActionOutcome.NotIn(t.Status, "only a finalized invoice (open, paid or uncollectible) can be sent");
        if (!relay.Configured)
            throw new ProblemException(503, "Email is not configured", "Sending invoices needs the SMTP relay: set Smtp__Host (and Smtp__FromAddress, Smtp__Port, Smtp__Username, Smtp__Password).");
        var pdf = await InvoicePdf.RenderAsync(s, id, ct) ?? throw ProblemException.NotFound($"No invoice with id {id}.");
        var text = t.Status == "paid"
            ? $"Hello {t.Name ?? ""},\n\nattached is invoice {t.InvoiceNumber} for {Money(t.Amount)} {t.Currency}. It is paid: thank you.\n\n{t.OrgName}"
            : $"Hello {t.Name ?? ""},\n\nattached is invoice {t.InvoiceNumber}: {Money(t.Amount - t.AmountPaid)} {t.Currency} due on {t.DueAt:yyyy-MM-dd}.\n\n{t.OrgName}";
        var html = "<p>" + WebUtility.HtmlEncode(text).Replace("\n\n", "</p><p>", StringComparison.Ordinal) + "</p>";
        var message = SmtpRelay.Compose(new MailboxAddress(t.Name, t.Email), $"Invoice {t.InvoiceNumber} from {t.OrgName}", text, html);
        message.From.Add(relay.From(t.OrgName));
        SmtpRelay.Attach(message, pdf.FileName, pdf.Bytes, "application/pdf");
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e)
        {
            throw new ProblemException(502, "The mail relay refused the invoice", e.Message);
        }
        await s.ExecuteAsync("UPDATE invoices SET sent_at = @now WHERE organization_id = @org AND id = @id", new { org = s.OrganizationId, id, now }, ct);
        await Clientele.Platform.Audit.ActivityFeed.WriteAsync(s, "invoice.sent", "invoices", id, t.InvoiceNumber, new System.Text.Json.Nodes.JsonObject { ["to"] = t.Email }, ct);
        return ActionOutcome.Done;
    }

    private static string Money(decimal v) => v.ToString("0.00", CultureInfo.InvariantCulture);
}
