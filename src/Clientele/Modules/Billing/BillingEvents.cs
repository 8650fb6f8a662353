using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;

namespace Clientele.Modules.Billing;

/// <summary>
/// The named events billing publishes for what it writes with its own SQL (docs/automation.md,
/// docs/billing.md), each in the transaction of the change. Writes through the resource API get
/// theirs from NamedEvents (subscription.created, payment.failed, a PATCHed status); a payment
/// settles its invoice by trigger, so <see cref="FollowPaymentAsync"/> adds invoice.paid to it.
/// </summary>
public static class BillingEvents
{
    public static Task InvoiceFinalizedAsync(TenantSession s, Guid invoiceId, bool paidAtOnce, CancellationToken ct) =>
        DomainEvents.PublishRowAsync(s, "invoices", invoiceId, ct, new JsonObject { ["status"] = "draft" },
            paidAtOnce ? ["invoice.finalized", "invoice.paid"] : ["invoice.finalized"]);

    public static Task InvoiceOverdueAsync(TenantSession s, Guid invoiceId, CancellationToken ct) =>
        DomainEvents.PublishRowAsync(s, "invoices", invoiceId, ct, null, "invoice.overdue");

    public static Task SubscriptionCanceledAsync(TenantSession s, Guid subscriptionId, string before, CancellationToken ct) =>
        DomainEvents.PublishRowAsync(s, "subscriptions", subscriptionId, ct, new JsonObject { ["status"] = before }, "subscription.canceled");

    public static Task RenewalUpcomingAsync(TenantSession s, Guid subscriptionId, CancellationToken ct) =>
        DomainEvents.PublishRowAsync(s, "subscriptions", subscriptionId, ct, null, "renewal.upcoming");

    /// <summary>
    /// After a payment is written through the resource API: if its invoice became paid in this
    /// transaction (the settle trigger stamps paid_at with the transaction's now()), publish invoice.paid.
    /// </summary>
    public static async Task FollowPaymentAsync(TenantSession s, string verb, Guid id, JsonObject data, CancellationToken ct)
    {
        if (verb == "deleted" || data["invoice_id"] is not JsonValue v || !v.TryGetValue<string>(out var text) || !Guid.TryParse(text, out var invoiceId))
            return;
        var paidNow = await s.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM invoices WHERE organization_id = $1 AND id = $2 AND status = 'paid' AND paid_at = now())",
            [s.OrganizationId, invoiceId], ct);
        if (paidNow)
            await DomainEvents.PublishRowAsync(s, "invoices", invoiceId, ct, null, "invoice.paid");
    }
}
