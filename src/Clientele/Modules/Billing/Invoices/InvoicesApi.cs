using Clientele.Modules.Billing.Payments;
using Clientele.Modules.Billing.Pdf;
using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Billing.Invoices;

/// <summary>POST /api/v1/invoices/{id}/{action} and /payments/{id}/refund: invoice states and refunds.</summary>
public static class InvoicesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/invoices/{id}").WithTags("Billing");
        g.MapPost("/finalize", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "invoices", id, (s, guid) => FinalizeInvoice.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("FinalizeInvoice").WithSummary("draft → open: credits applied oldest-expiring first, the next INV-YYYY-NNNNNN number, due in 14 days unless due_at is set; 409 unless draft");
        g.MapPost("/void", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "invoices", id, (s, guid) => VoidInvoice.RunAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("VoidInvoice").WithSummary("open/uncollectible → void (credits given back, the number stays taken); 409 when paid, draft or partly paid");
        g.MapPost("/mark_uncollectible", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "invoices", id, (s, guid) => VoidInvoice.MarkUncollectibleAsync(s, guid, ctx.RequestAborted)))
            .WithName("MarkInvoiceUncollectible").WithSummary("open → uncollectible; 409 in any other state");

        g.MapPost("/send", (string id, HttpContext ctx, ActionEndpoint e, SmtpRelay smtp) =>
            e.RunAsync(ctx, "invoices", id, (s, guid) => SendInvoice.RunAsync(s, guid, smtp, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("SendInvoice").WithSummary("Email the finalized invoice to the customer with its PDF attached (SMTP relay, Smtp__*); 409 for drafts and void invoices, 503 without SMTP");
        g.MapGet("/pdf", async (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant) =>
        {
            if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No invoice with id {id}.");
            await using var s = sessions.Open(tenant);
            var pdf = await InvoicePdf.RenderAsync(s, guid, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No invoice with id {id}.");
            return TypedResults.File(pdf.Bytes, "application/pdf", pdf.FileName);
        }).WithName("InvoicePdf").WithSummary("The invoice as a PDF: both parties, lines, credits applied, totals, due date; PAID/VOID watermark");

        api.MapPost("/payments/{id}/refund", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<RefundPayment.Body>(ctx);
            RefundPayment.Result? r = null;
            return await e.RunAsync(ctx, "payments", id, async (s, guid) => (r = await RefundPayment.RunAsync(s, guid, body, ctx.RequestAborted)).Outcome,
                () => new() { ["refund_credit_id"] = r!.CreditId?.ToString() });
        }).WithTags("Billing").WithName("RefundPayment")
            .WithSummary("{amount?, mode: credit|reopen, reason?}: refund all or part of a succeeded payment as a refund credit, or reopening the invoice balance");
    }
}
