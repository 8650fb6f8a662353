using Clientele.Modules.Billing.Invoices;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>
/// change_plan {plan, billing_cycle?}. An upgrade (a higher monthly price) takes effect now: an
/// invoice credits the unused part of the old plan and charges the new one for the rest of the
/// period (or, when the cycle changes, for a whole new period starting now), and is finalized at
/// once. A downgrade is scheduled for the period end (scheduled_plan), applied by the renewal run.
/// In trial the plan simply changes. Past due, unpaid and canceled subscriptions are a 409.
/// </summary>
public static class ChangePlan
{
    public sealed record Body(string? Plan, string? BillingCycle);

    public sealed record Result(ActionOutcome Outcome, string Effect = "", Guid? ProrationInvoiceId = null);

    private static readonly string[] Codes = ["free", "basic", "premium", "enterprise"];

    public static async Task<Result> RunAsync(TenantSession s, Guid id, Body body, DateTime now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Plan)) return new(ActionOutcome.Invalid("plan", "is required"));
        if (!Codes.Contains(body.Plan)) return new(ActionOutcome.Invalid("plan", "must be one of " + string.Join(", ", Codes)));
        if (body.BillingCycle is not (null or "monthly" or "annual")) return new(ActionOutcome.Invalid("billing_cycle", "must be monthly or annual"));
        var sub = await SubscriptionRows.LockAsync(s, id, ct);
        if (sub is null) return new(ActionOutcome.Missing($"No subscription with id {id}."));
        if (sub.Status is not ("active" or "trialing")) return new(ActionOutcome.NotIn(sub.Status, "the plan changes only on an active or trialing subscription"));
        var cycle = body.BillingCycle ?? sub.BillingCycle;
        if (body.Plan == sub.Plan && cycle == sub.BillingCycle) return new(ActionOutcome.NotIn(sub.Status, $"the subscription is already on {sub.Plan} ({cycle})"));
        var newPlan = await SubscriptionRows.PlanAsync(s, body.Plan, cycle, ct);
        if (newPlan is null) return new(ActionOutcome.Invalid("plan", $"{body.Plan} ({cycle}) is not in the plan catalogue"));
        var oldPlan = await SubscriptionRows.PlanAsync(s, sub.Plan, sub.BillingCycle, ct);

        var oldPrice = SubscriptionRows.PeriodPrice(sub, oldPlan);
        var newPrice = newPlan.BasePrice + newPlan.PricePerSeat * sub.SeatsTotal;
        var oldMonthly = SubscriptionRows.MonthlyPrice(sub.BillingCycle, oldPrice);
        var newMonthly = SubscriptionRows.MonthlyPrice(cycle, newPrice);

        if (sub.Status == "trialing" || newMonthly == oldMonthly)
        {
            await SwitchAsync(s, sub, body.Plan, cycle, null, ct);
            return new(ActionOutcome.Done, "changed_now");
        }
        if (newMonthly < oldMonthly)
        {
            await s.ExecuteAsync("""
                UPDATE subscriptions SET scheduled_plan = @plan, scheduled_billing_cycle = @cycle, updated_by = @actor
                WHERE organization_id = @org AND id = @id
                """, new { org = s.OrganizationId, id, plan = body.Plan, cycle, actor = s.Tenant.ActorId }, ct);
            return new(ActionOutcome.Done, "scheduled_at_period_end");
        }

        // Upgrade now, prorated.
        var start = sub.CurrentPeriodStart ?? now;
        var end = sub.CurrentPeriodEnd ?? SubscriptionRows.AddCycle(start, sub.BillingCycle);
        var periodDays = Proration.PeriodDays(start, end);
        var unused = Proration.UnusedDays(start, end, now);
        var credit = Proration.Prorate(oldPrice, unused, periodDays);
        var lines = new List<DraftLine>
        {
            new("proration", $"Unused time on {Title(sub.Plan)} ({sub.BillingCycle}, {sub.SeatsTotal} seats): {unused} of {periodDays} days", 1, -credit, now, end),
        };
        DateTime? newPeriodStart = null;
        if (cycle == sub.BillingCycle)
            lines.Add(new("proration", $"Remaining time on {newPlan.Name} ({cycle}, {sub.SeatsTotal} seats): {unused} of {periodDays} days", 1,
                Proration.Prorate(newPrice, unused, periodDays), now, end));
        else
        {
            newPeriodStart = now;
            lines.Add(new("proration", $"{newPlan.Name} ({cycle}, {sub.SeatsTotal} seats) from today", 1, newPrice, now, SubscriptionRows.AddCycle(now, cycle)));
        }
        var invoiceId = await InvoiceDrafts.CreateAsync(s, sub.CustomerId, sub.Id, newPlan.Currency, "subscription_update", now, end, lines, ct);
        (await FinalizeInvoice.RunAsync(s, invoiceId, now, ct)).ThrowIfRefused();
        await SwitchAsync(s, sub, body.Plan, cycle, newPeriodStart, ct);
        return new(ActionOutcome.Done, "upgraded_now", invoiceId);
    }

    private static Task SwitchAsync(TenantSession s, Subscription sub, string plan, string cycle, DateTime? newPeriodStart, CancellationToken ct) =>
        s.ExecuteAsync("""
            UPDATE subscriptions SET plan = @plan, billing_cycle = @cycle, scheduled_plan = NULL, scheduled_billing_cycle = NULL,
              current_period_start = coalesce(@start::timestamptz, current_period_start),
              current_period_end = CASE WHEN @start::timestamptz IS NULL THEN current_period_end
                                        WHEN @cycle = 'annual' THEN @start::timestamptz + interval '1 year' ELSE @start::timestamptz + interval '1 month' END,
              updated_by = @actor
            WHERE organization_id = @org AND id = @id
            """, new { org = s.OrganizationId, id = sub.Id, plan, cycle, start = newPeriodStart, actor = s.Tenant.ActorId }, ct);

    private static string Title(string code) => char.ToUpperInvariant(code[0]) + code[1..];
}
