using Clientele.Modules.Billing.Invoices;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Modules.Billing.Usage;
using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>
/// Renews one subscription whose period has ended, in the caller's transaction. A cancellation set
/// for the period end cancels it instead. Otherwise: a scheduled downgrade takes effect, a trial
/// converts, and one invoice is issued (finalized) for the new period: the base price and seats in
/// advance, plus the ended period's usage beyond what the plan includes. The lock and the unique
/// (subscription, period_start) of cycle invoices make a second run for the same period a no-op.
/// </summary>
public static class RenewSubscription
{
    public enum Outcome { NotDue, Renewed, Canceled }

    public static async Task<Outcome> RunAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct)
    {
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null || sub.CurrentPeriodEnd is not { } end || end > now || sub.Status is not ("active" or "past_due" or "trialing"))
            return Outcome.NotDue;
        var org = s.OrganizationId;
        if (sub.CancelAtPeriodEnd)
        {
            await s.ExecuteAsync("""
                UPDATE subscriptions SET status = 'canceled', canceled_at = coalesce(canceled_at, @end), cancel_at_period_end = false,
                  scheduled_plan = NULL, scheduled_billing_cycle = NULL
                WHERE organization_id = @org AND id = @id
                """, new { org, id, end }, ct);
            await BillingEvents.SubscriptionCanceledAsync(s, id, sub.Status, ct);
            return Outcome.Canceled;
        }

        var start = sub.CurrentPeriodStart ?? (sub.BillingCycle == "annual" ? end.AddYears(-1) : end.AddMonths(-1));
        var wasTrial = sub.Status == "trialing";
        var oldPlan = await SubscriptionRows.PlanAsync(s, sub.Plan, sub.BillingCycle, ct);
        var code = sub.ScheduledPlan ?? sub.Plan;
        var cycle = sub.ScheduledBillingCycle ?? sub.BillingCycle;
        var plan = code == sub.Plan && cycle == sub.BillingCycle ? oldPlan : await SubscriptionRows.PlanAsync(s, code, cycle, ct);
        var newEnd = SubscriptionRows.AddCycle(end, cycle);

        List<UsageTotal> totals = !wasTrial && oldPlan is not null ? await UsageTotals.SumAsync(s, sub.CustomerId, start, end, null, ct) : [];
        var lines = Lines(sub, oldPlan, plan, code, cycle, start, end, newEnd, totals);

        var invoiceId = Guid.CreateVersion7();
        var inserted = await s.ExecuteAsync("""
            INSERT INTO invoices (id, organization_id, customer_id, subscription_id, amount, currency, status, billing_reason, period_start, period_end)
            VALUES (@invoiceId, @org, @customer, @id, 0, @currency, 'draft', 'subscription_cycle', @end, @newEnd)
            ON CONFLICT (organization_id, subscription_id, period_start) WHERE billing_reason = 'subscription_cycle' DO NOTHING
            """, new { invoiceId, org, customer = sub.CustomerId, id, currency = plan?.Currency ?? "USD", end, newEnd }, ct);
        if (inserted == 1)
        {
            await InvoiceDrafts.AddLinesAsync(s, invoiceId, lines, ct);
            (await FinalizeInvoice.RunAsync(s, invoiceId, now, ct)).ThrowIfRefused();
        }
        await s.ExecuteAsync("""
            UPDATE subscriptions SET plan = @code, billing_cycle = @cycle, scheduled_plan = NULL, scheduled_billing_cycle = NULL,
              current_period_start = @end, current_period_end = @newEnd,
              status = CASE WHEN status = 'trialing' THEN 'active' ELSE status END
            WHERE organization_id = @org AND id = @id
            """, new { org, id, code, cycle, end, newEnd }, ct);
        return Outcome.Renewed;
    }

    /// <summary>
    /// The renewal invoice's lines: the new period's base price and seats in advance, plus the ended
    /// period's usage beyond what the plan then in effect included (none after a trial). Shared by the
    /// one-subscription path and the batch (<see cref="RenewBatch"/>).
    /// </summary>
    public static List<DraftLine> Lines(Subscription sub, Plan? oldPlan, Plan? plan, string code, string cycle,
        DateTime start, DateTime end, DateTime newEnd, IReadOnlyList<UsageTotal> totals)
    {
        var lines = new List<DraftLine>();
        var name = plan?.Name ?? char.ToUpperInvariant(code[0]) + code[1..];
        if (plan is not null)
        {
            lines.Add(new("base", $"{name} plan ({cycle}), {end:yyyy-MM-dd} to {newEnd:yyyy-MM-dd}", 1, plan.BasePrice, end, newEnd));
            if (plan.PricePerSeat > 0)
                lines.Add(new("seat", $"Seats on {name} ({cycle})", sub.SeatsTotal, plan.PricePerSeat, end, newEnd));
        }
        else
            lines.Add(new("base", $"{name} plan ({cycle}), {end:yyyy-MM-dd} to {newEnd:yyyy-MM-dd}", 1, SubscriptionRows.PeriodPrice(sub, null), end, newEnd));
        if (sub.Status != "trialing" && oldPlan is not null)
        {
            // Usage of the period that ended, priced by the plan that was in effect during it.
            foreach (var price in UsagePrice.Parse(oldPlan.UsagePricing))
            {
                var used = totals.FirstOrDefault(t => t.EventType == price.EventType)?.Quantity ?? 0;
                var billable = price.Billable(used);
                if (billable > 0 && price.UnitPrice > 0)
                    lines.Add(new("usage", $"{price.EventType}: {used} used, {price.Included} included", billable, price.UnitPrice, start, end, price.EventType));
            }
        }
        return lines;
    }
}
