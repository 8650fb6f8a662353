using System.Globalization;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing;

/// <summary>Subscription queries beyond the generic resource.</summary>
public static class SubscriptionsApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/subscriptions/ending_soon", EndingSoon).WithTags("Billing").WithName("SubscriptionsEndingSoon")
            .WithSummary("Active subscriptions whose current period ends within `days` days (default 7), soonest first");

    /// <summary>Seed 000's "Get Active Subscriptions Ending Soon", served by the partial index idx_subscriptions_active_period_end.</summary>
    private static async Task<IResult> EndingSoon(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var days = 7;
        if (q.TryGetValue("days", out var d) && (!int.TryParse(d, out days) || days is < 1 or > 3650))
            throw ProblemException.BadRequest("days must be an integer from 1 to 3650.", new Dictionary<string, string[]> { ["days"] = ["must be an integer from 1 to 3650"] });
        var now = DateTime.UtcNow;
        var merged = q.Where(kv => kv.Key != "days").ToDictionary(kv => kv.Key, kv => kv.Value);
        merged["status"] = "active";
        merged["current_period_end[gte]"] = now.ToString("O", CultureInfo.InvariantCulture);
        merged["current_period_end[lt]"] = now.AddDays(days).ToString("O", CultureInfo.InvariantCulture);
        if (!merged.ContainsKey("order")) merged["order"] = "current_period_end";
        var def = registry.Find("subscriptions")!;
        var list = ListQuery.Parse(def, new QueryCollection(merged), tenant.IsAdmin);
        await using var s = sessions.Open(tenant);
        var result = await store.ListAsync(s, def, list, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200);
    }
}
