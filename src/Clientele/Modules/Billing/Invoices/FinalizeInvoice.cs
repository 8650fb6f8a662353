using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Invoices;

/// <summary>
/// finalize: draft → open. In one transaction: the customer's active credits in the invoice's
/// currency are applied oldest-expiring first (expired ones never), each as a negative line;
/// the next number is allocated; issued_at is now and due_at (if unset) net 14 days. An invoice
/// whose total is zero is paid at once.
/// </summary>
public static class FinalizeInvoice
{
    public const int DefaultNetDays = 14;

    private sealed record CreditRow(Guid Id, decimal Remaining, string CreditType, string? Reason);

    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct)
    {
        var inv = await s.QueryFirstOrDefaultAsync<Invoice>(
            "SELECT * FROM invoices WHERE organization_id = @org AND id = @id AND deleted_at IS NULL FOR UPDATE", new { org = s.OrganizationId, id }, ct);
        if (inv is null) return ActionOutcome.Missing($"No invoice with id {id}.");
        if (inv.Status != "draft") return ActionOutcome.NotIn(inv.Status, "only a draft invoice can be finalized");

        var hasLines = await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM invoice_lines WHERE organization_id = @org AND invoice_id = @id)", new { org = s.OrganizationId, id }, ct);
        if (!hasLines && inv.Amount > 0) // an imported draft with a typed amount keeps it as its one line
            await InvoiceDrafts.AddLinesAsync(s, id, [new DraftLine("base", "Invoice amount", 1, inv.Amount)], ct);
        var due = await s.ScalarAsync<decimal>("SELECT amount FROM invoices WHERE organization_id = @org AND id = @id", new { org = s.OrganizationId, id }, ct);

        if (due > 0)
        {
            var credits = await s.QueryAsync<CreditRow>("""
                SELECT id, amount - used_amount AS remaining, credit_type, reason FROM credits
                WHERE organization_id = @org AND customer_id = @customer AND currency = @currency AND status = 'active'
                  AND deleted_at IS NULL AND amount > used_amount AND (expires_at IS NULL OR expires_at > @now)
                ORDER BY expires_at NULLS LAST, created_at, id
                FOR UPDATE
                """, new { org = s.OrganizationId, customer = inv.CustomerId, currency = inv.Currency, now }, ct);
            var applied = new List<DraftLine>();
            foreach (var c in credits)
            {
                if (due <= 0) break;
                var use = Math.Min(c.Remaining, due);
                due -= use;
                applied.Add(new DraftLine("credit", $"Credit applied ({c.CreditType}{(c.Reason is null ? "" : ": " + c.Reason)})", 1, -use, CreditId: c.Id));
                await s.ExecuteAsync("""
                    UPDATE credits SET used_amount = used_amount + @use,
                      status = CASE WHEN used_amount + @use >= amount THEN 'used' ELSE status END
                    WHERE organization_id = @org AND id = @cid
                    """, new { org = s.OrganizationId, cid = c.Id, use }, ct);
            }
            if (applied.Count > 0) await InvoiceDrafts.AddLinesAsync(s, id, applied, ct);
        }

        var number = await InvoiceNumbering.NextAsync(s, now, ct);
        var status = await s.ScalarAsync<string>("""
            UPDATE invoices SET invoice_number = @number, issued_at = @now,
              due_at = coalesce(due_at, @now + make_interval(days => @net)),
              status = CASE WHEN amount = 0 THEN 'paid' ELSE 'open' END,
              paid_at = CASE WHEN amount = 0 THEN @now ELSE NULL END,
              updated_by = @actor
            WHERE organization_id = @org AND id = @id
            RETURNING status
            """, new { org = s.OrganizationId, id, number, now, net = DefaultNetDays, actor = s.Tenant.ActorId }, ct);
        await BillingEvents.InvoiceFinalizedAsync(s, id, status == "paid", ct);
        return ActionOutcome.Done;
    }
}
