using Clientele.Modules.Success.Health;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Health computed by the product from the rows the other modules wrote (after them, before the
    /// rollups): an enterprise model that weighs usage and engagement more, then one recomputation
    /// of every customer, which writes scores, history, health events and risk signals.
    /// </summary>
    public static async Task HealthAsync(DemoContext d)
    {
        await d.CreateAsync("health_models", new
        {
            name = "Enterprise", segment = "enterprise",
            weights = new { usage = 35, support = 15, billing = 15, engagement = 25, seats = 10 },
            thresholds = new { health_change = 8, renewal_health = 60 },
        });
        await HealthRecompute.RunAsync(d.Session, d.Customers.Select(c => c.Id).ToList(), d.Now, "demo", d.Ct);
    }
}
