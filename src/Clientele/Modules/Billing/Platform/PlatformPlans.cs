namespace Clientele.Modules.Billing.Platform;

/// <summary>
/// The platform's own plans (what an organization pays Clientele through Stripe) and the limits
/// each sets on the organization (null: unlimited). free is the seed's defaults; business is the
/// demo organization's. The Stripe price of each paid plan is configuration (Stripe__Prices__{code}).
/// </summary>
public sealed record PlatformPlan(string Code, string Name, decimal MonthlyPrice, int? MaxUsers, int? MaxAgents, int? MaxMessages, long? MaxStorage)
{
    public static readonly IReadOnlyList<PlatformPlan> All =
    [
        new("free", "Free", 0m, 1, 1, 1_000, 100L * 1024 * 1024),
        new("starter", "Starter", 99m, 5, 3, 10_000, 1024L * 1024 * 1024),
        new("business", "Business", 499m, 25, 10, 100_000, 10L * 1024 * 1024 * 1024),
        new("enterprise", "Enterprise", 1999m, null, null, null, null),
    ];

    public static PlatformPlan? Find(string? code) => All.FirstOrDefault(p => p.Code == code);

    /// <summary>Where the plan stands in the list (an upgrade goes to a higher rank).</summary>
    public int Rank => All.ToList().FindIndex(p => p.Code == Code);
}
