using Clientele.Platform.Database;

namespace Clientele.Modules.Billing.Subscriptions;

/// <summary>Reads of subscriptions and plans shared by the lifecycle actions (in the caller's transaction).</summary>
public static class SubscriptionRows
{
    /// <summary>The subscription, locked for the rest of the transaction (actions on it serialize).</summary>
    public static Task<Subscription?> LockAsync(TenantSession s, Guid id, CancellationToken ct) =>
        s.QueryFirstOrDefaultAsync<Subscription>(
            "SELECT * FROM subscriptions WHERE organization_id = @org AND id = @id AND deleted_at IS NULL FOR UPDATE",
            new { org = s.OrganizationId, id }, ct);

    public static Task<Plan?> PlanAsync(TenantSession s, string code, string cycle, CancellationToken ct) =>
        s.QueryFirstOrDefaultAsync<Plan>(
            "SELECT * FROM plans WHERE organization_id = @org AND code = @code AND billing_cycle = @cycle AND deleted_at IS NULL",
            new { org = s.OrganizationId, code, cycle }, ct);

    /// <summary>What one period of the subscription costs: from the catalogue, else its own MRR/ARR.</summary>
    public static decimal PeriodPrice(Subscription sub, Plan? plan) =>
        plan is not null ? plan.BasePrice + plan.PricePerSeat * sub.SeatsTotal
        : sub.BillingCycle == "annual" ? sub.Arr ?? 0 : sub.Mrr ?? 0;

    public static decimal MonthlyPrice(string cycle, decimal periodPrice) => cycle == "annual" ? periodPrice / 12 : periodPrice;

    public static DateTime AddCycle(DateTime from, string cycle) => cycle == "annual" ? from.AddYears(1) : from.AddMonths(1);
}
