using Clientele.Platform.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing.Limits;

/// <summary>One limit of the plan: its value (null: unlimited), the current use and the share used.</summary>
public sealed record LimitUse(string Limit, long? Max, long Used, decimal? Percent);

/// <summary>The organization's plan and its use against the limits.</summary>
public sealed record OrganizationUsage(string Plan, string PlanStatus, DateOnly PeriodStart, IReadOnlyList<LimitUse> Limits);

/// <summary>
/// GET /api/v1/organization/usage: use against the platform plan's limits (migration 0041):
/// users (active users plus pending invitations), agents (active), messages this calendar month
/// (AI replies and outbound messages) and storage (bytes of stored files: the platform stores none yet).
/// </summary>
public static class OrganizationUsageApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/organization/usage", async (HttpContext ctx, TenantSessions sessions, TenantContext tenant) =>
        {
            await using var s = sessions.Open(tenant);
            var usage = await ReadAsync(s, DateTime.UtcNow, ctx.RequestAborted);
            return TypedResults.Ok(new
            {
                @object = "organization_usage", plan = usage.Plan, plan_status = usage.PlanStatus, period_start = usage.PeriodStart,
                limits = usage.Limits.ToDictionary(l => l.Limit, l => new { max = l.Max, used = l.Used, percent = l.Percent }),
            });
        }).WithTags("Billing").WithName("OrganizationUsage")
            .WithSummary("The platform plan and the use of each limit: max_users (users + pending invitations), max_agents, max_messages (this calendar month), max_storage; null max = unlimited");

    public static async Task<OrganizationUsage> ReadAsync(TenantSession s, DateTime now, CancellationToken ct)
    {
        var period = new DateOnly(now.Year, now.Month, 1);
        var row = await s.ReadFirstAsync("""
            SELECT o.plan, o.plan_status, o.max_users::bigint, o.max_agents::bigint, o.max_messages::bigint, o.max_storage,
              (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.is_active AND u.deleted_at IS NULL)
                + (SELECT count(*) FROM team_invitations i WHERE i.organization_id = o.id AND i.status = 'pending' AND i.expires_at > now()),
              (SELECT count(*) FROM agents a WHERE a.organization_id = o.id AND a.is_active),
              coalesce((SELECT p.used FROM plan_usage p WHERE p.organization_id = o.id AND p.metric = 'messages' AND p.period_start = $2), 0)
            FROM organizations o WHERE o.id = $1
            """, [s.OrganizationId, period], r => new
            {
                Plan = r.GetString(0), Status = r.GetString(1),
                Max = new long?[] { N(r, 2), N(r, 3), N(r, 4), N(r, 5) },
                Used = new[] { r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), 0L },
            }, ct) ?? throw new InvalidOperationException("the tenant's organization is not visible");
        string[] names = ["max_users", "max_agents", "max_messages", "max_storage"];
        var limits = names.Select((n, i) => new LimitUse(n, row.Max[i], row.Used[i],
            row.Max[i] is long m and > 0 ? Math.Round(row.Used[i] * 100m / m, 1) : null)).ToList();
        return new OrganizationUsage(row.Plan, row.Status, period, limits);
    }

    private static long? N(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
