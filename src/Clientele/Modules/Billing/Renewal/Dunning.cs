using System.Text.Json.Nodes;
using Clientele.Modules.Notifications;
using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>
/// Dunning of one organization: an open invoice past its due date makes its subscription past_due;
/// reminders go out on the configured days after the due date (default 1, 3, 7); reaching the last
/// step marks the invoice uncollectible and the subscription unpaid. A payment at any point brings
/// the subscription back to active (the payments trigger, migration 0030). Every step is an
/// activity on the customer's timeline (activity_logs, resource_type customer) and a notification
/// to the account owners. The first time an invoice is found past due it publishes invoice.overdue.
/// </summary>
public static class Dunning
{
    private sealed record Overdue(Guid Id, Guid CustomerId, Guid? SubscriptionId, DateTime DueAt, int RemindersSent, string? InvoiceNumber,
        decimal Balance, string Currency, string? SubscriptionStatus, DateTime? OverdueAt);

    public static async Task<int> RunAsync(TenantSession s, IReadOnlyList<int> reminderDays, DateTime now, CancellationToken ct)
    {
        var org = s.OrganizationId;
        var overdue = await s.QueryAsync<Overdue>("""
            SELECT i.id, i.customer_id, i.subscription_id, i.due_at, i.reminders_sent, i.invoice_number, i.amount - i.amount_paid AS balance, i.currency,
                   sub.status AS subscription_status, i.overdue_at
            FROM invoices i LEFT JOIN subscriptions sub ON sub.organization_id = i.organization_id AND sub.id = i.subscription_id
            WHERE i.organization_id = @org AND i.status = 'open' AND i.due_at < @now AND i.deleted_at IS NULL
            ORDER BY i.due_at
            FOR UPDATE OF i SKIP LOCKED
            """, new { org, now }, ct);
        var steps = 0;
        foreach (var inv in overdue)
        {
            var label = inv.InvoiceNumber ?? inv.Id.ToString();
            if (inv.OverdueAt is null)
            {
                await s.ExecuteAsync("UPDATE invoices SET overdue_at = @now WHERE organization_id = @org AND id = @id", new { org, id = inv.Id, now }, ct);
                await BillingEvents.InvoiceOverdueAsync(s, inv.Id, ct);
            }
            if (inv.SubscriptionStatus == "active")
            {
                await s.ExecuteAsync("UPDATE subscriptions SET status = 'past_due' WHERE organization_id = @org AND id = @id", new { org, id = inv.SubscriptionId }, ct);
                await StepAsync(s, inv, "billing.subscription.past_due", $"Invoice {label} is past due",
                    $"{inv.Balance} {inv.Currency} was due on {inv.DueAt:yyyy-MM-dd}; the subscription is past due.", ct);
                steps++;
            }
            var due = reminderDays.Count(d => inv.DueAt.AddDays(d) <= now);
            if (due > inv.RemindersSent)
            {
                await s.ExecuteAsync("UPDATE invoices SET reminders_sent = @due, last_reminder_at = @now WHERE organization_id = @org AND id = @id",
                    new { org, id = inv.Id, due, now }, ct);
                await StepAsync(s, inv, "billing.dunning.reminder", $"Payment reminder {due} of {reminderDays.Count} for {label}",
                    $"Reminder {due} of {reminderDays.Count}: {inv.Balance} {inv.Currency} is overdue since {inv.DueAt:yyyy-MM-dd}.", ct);
                steps++;
            }
            if (due == reminderDays.Count && reminderDays.Count > 0)
            {
                await s.ExecuteAsync("UPDATE invoices SET status = 'uncollectible' WHERE organization_id = @org AND id = @id", new { org, id = inv.Id }, ct);
                if (inv.SubscriptionId is not null)
                    await s.ExecuteAsync("UPDATE subscriptions SET status = 'unpaid' WHERE organization_id = @org AND id = @id AND status IN ('active', 'past_due')",
                        new { org, id = inv.SubscriptionId }, ct);
                await StepAsync(s, inv, "billing.dunning.unpaid", $"Invoice {label} is uncollectible",
                    $"No payment after the last reminder: the invoice is uncollectible and the subscription unpaid. A payment restores it.", ct);
                steps++;
            }
        }
        return steps;
    }

    private static async Task StepAsync(TenantSession s, Overdue inv, string action, string title, string message, CancellationToken ct)
    {
        var data = new JsonObject { ["invoice_id"] = inv.Id, ["customer_id"] = inv.CustomerId, ["subscription_id"] = inv.SubscriptionId, ["step"] = action };
        await s.ExecuteAsync("""
            INSERT INTO activity_logs (id, organization_id, actor_name, action_type, resource_type, resource_id, resource_name, metadata)
            VALUES (@id, @org, 'Billing', @action, 'customer', @customer, @name, @metadata::jsonb)
            """, new { id = Guid.CreateVersion7(), org = s.OrganizationId, action, customer = inv.CustomerId, name = title, metadata = data.ToJsonString() }, ct);
        await NotificationDispatcher.NotifyAdminsAsync(s, action == "billing.dunning.reminder" ? "warning" : "error", "billing", title, message, data, TimeSpan.Zero, ct, link: $"/app/customers/{inv.CustomerId}");
    }
}
