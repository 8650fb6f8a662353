using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Invoices;

/// <summary>
/// void: an open or uncollectible invoice with nothing paid on it is canceled for good; its number
/// stays taken and the credits it consumed go back to the customer. mark_uncollectible: open → uncollectible.
/// </summary>
public static class VoidInvoice
{
    public static async Task<ActionOutcome> RunAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct)
    {
        var inv = await LockAsync(s, id, ct);
        if (inv is null) return ActionOutcome.Missing($"No invoice with id {id}.");
        if (inv.Status is not ("open" or "uncollectible"))
            return ActionOutcome.NotIn(inv.Status, inv.Status == "draft" ? "a draft has no number yet; delete it instead" : "only an open or uncollectible invoice can be voided");
        if (inv.AmountPaid > 0) return ActionOutcome.NotIn(inv.Status, $"{inv.AmountPaid} {inv.Currency} is paid on it; refund the payments first");
        await s.ExecuteAsync("""
            UPDATE credits c SET used_amount = c.used_amount - l.used, status = 'active'
            FROM (SELECT credit_id, -sum(amount) AS used FROM invoice_lines
                  WHERE organization_id = @org AND invoice_id = @id AND kind = 'credit' AND credit_id IS NOT NULL GROUP BY credit_id) l
            WHERE c.organization_id = @org AND c.id = l.credit_id
            """, new { org = s.OrganizationId, id }, ct);
        await s.ExecuteAsync("UPDATE invoices SET status = 'void', voided_at = @now, updated_by = @actor WHERE organization_id = @org AND id = @id",
            new { org = s.OrganizationId, id, now, actor = s.Tenant.ActorId }, ct);
        return ActionOutcome.Done;
    }

    public static async Task<ActionOutcome> MarkUncollectibleAsync(TenantSession s, Guid id, CancellationToken ct)
    {
        var inv = await LockAsync(s, id, ct);
        if (inv is null) return ActionOutcome.Missing($"No invoice with id {id}.");
        if (inv.Status != "open") return ActionOutcome.NotIn(inv.Status, "only an open invoice can be marked uncollectible");
        await s.ExecuteAsync("UPDATE invoices SET status = 'uncollectible', updated_by = @actor WHERE organization_id = @org AND id = @id",
            new { org = s.OrganizationId, id, actor = s.Tenant.ActorId }, ct);
        return ActionOutcome.Done;
    }

    internal static Task<Invoice?> LockAsync(TenantSession s, Guid id, CancellationToken ct) =>
        s.QueryFirstOrDefaultAsync<Invoice>("SELECT * FROM invoices WHERE organization_id = @org AND id = @id AND deleted_at IS NULL FOR UPDATE",
            new { org = s.OrganizationId, id }, ct);
}
