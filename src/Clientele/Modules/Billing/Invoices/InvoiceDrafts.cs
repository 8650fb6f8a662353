using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Invoices;

/// <summary>A line to put on a draft invoice; the database computes its amount (quantity × unit price, half-even).</summary>
public sealed record DraftLine(string Kind, string Description, decimal Quantity, decimal UnitPrice,
    DateTime? PeriodStart = null, DateTime? PeriodEnd = null, string? EventType = null, Guid? CreditId = null);

/// <summary>Creates draft invoices with their lines (totals follow from the lines).</summary>
public static class InvoiceDrafts
{
    public static async Task<Guid> CreateAsync(TenantSession s, Guid customerId, Guid? subscriptionId, string currency, string reason,
        DateTime? periodStart, DateTime? periodEnd, IEnumerable<DraftLine> lines, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO invoices (id, organization_id, customer_id, subscription_id, amount, currency, status, billing_reason, period_start, period_end, created_by)
            VALUES (@id, @org, @customerId, @subscriptionId, 0, @currency, 'draft', @reason, @periodStart, @periodEnd, @actor)
            """, new { id, org = s.OrganizationId, customerId, subscriptionId, currency, reason, periodStart, periodEnd, actor = s.Tenant.ActorId }, ct);
        await AddLinesAsync(s, id, lines, ct);
        return id;
    }

    public static Task AddLinesAsync(TenantSession s, Guid invoiceId, IEnumerable<DraftLine> lines, CancellationToken ct) =>
        s.ExecuteAsync("""
            INSERT INTO invoice_lines (id, organization_id, invoice_id, kind, description, quantity, unit_price, period_start, period_end, event_type, credit_id)
            VALUES (@Id, @Org, @InvoiceId, @Kind, @Description, @Quantity, @UnitPrice, @PeriodStart, @PeriodEnd, @EventType, @CreditId)
            """, lines.Select(l => new
            {
                Id = Guid.CreateVersion7(), Org = s.OrganizationId, InvoiceId = invoiceId, l.Kind, l.Description, l.Quantity, l.UnitPrice,
                l.PeriodStart, l.PeriodEnd, l.EventType, l.CreditId,
            }).ToList(), ct);
}
