using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 4: expansion opportunities detected from seats, usage and features beyond the plan, once per cause, valued from the plan catalogue.</summary>
public sealed class ExpansionTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    [Fact]
    public async Task Seats_used_at_90_percent_for_14_days_create_one_seat_expansion_valued_from_the_plan_catalogue()
    {
        var t = await app.SignupAsync();
        await PlansAsync(t);
        var full = await t.Http.CreateCustomerAsync(new { name = "Full Seats" });
        var almost = await t.Http.CreateCustomerAsync(new { name = "Thirteen Days" });
        var roomy = await t.Http.CreateCustomerAsync(new { name = "Roomy" });
        foreach (var c in new[] { full, almost, roomy }) await SubscriptionAsync(t, c, "basic", seats: 10, used: 10);
        await UsageAsync(t, full, days: 14, activeUsers: d => d % 2 == 0 ? 9 : 10, dau: _ => 8);
        await UsageAsync(t, almost, days: 13, activeUsers: _ => 10, dau: _ => 8);   // one day short
        await UsageAsync(t, roomy, days: 14, activeUsers: d => d == 5 ? 8 : 10, dau: _ => 8); // one day at 80%

        foreach (var c in new[] { full, almost, roomy }) await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        var rows = await OpportunitiesAsync(t, full);
        rows.Count.ShouldBe(1);
        var o = rows[0]!;
        o["cause"]!.GetValue<string>().ShouldBe("seat_utilization");
        o["opportunity_type"]!.GetValue<string>().ShouldBe("seat-expansion");
        o["estimated_value"]!.GetValue<decimal>().ShouldBe(360m); // 2 extra seats × 15 a month × 12
        o["stage"]!.GetValue<string>().ShouldBe("identified");
        o["evidence"]!["min_active_users_14d"]!.GetValue<int>().ShouldBe(9);
        o["evidence"]!["valued_from"]!.GetValue<string>().ShouldBe("plans");
        o["use_case"]!.GetValue<string>().ShouldContain("9 of 10 seats (90%)");
        (await OpportunitiesAsync(t, almost)).ShouldBeEmpty();
        (await OpportunitiesAsync(t, roomy)).ShouldBeEmpty();

        // Once per cause: recomputing again adds nothing; a CSM's "lost" is not reopened by the next computation.
        await t.Http.PostJsonAsync($"/api/v1/customers/{full}/recompute_health", new { });
        (await OpportunitiesAsync(t, full)).Count.ShouldBe(1);
        (await t.Http.PatchJsonAsync($"/api/v1/expansion_opportunities/{o["id"]}", new { stage = "closed_lost" })).Status.ShouldBe(System.Net.HttpStatusCode.OK);
        await t.Http.PostJsonAsync($"/api/v1/customers/{full}/recompute_health", new { });
        (await OpportunitiesAsync(t, full)).Count.ShouldBe(1);
        (await HealthTests.CountAsync(app, "SELECT count(*) FROM domain_events WHERE organization_id = $1 AND event_type = 'expansion_opportunity.detected'", t.OrganizationId)).ShouldBe(1);

        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync("/api/v1/expansion_opportunities")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Usage_up_30_percent_month_over_month_proposes_the_next_plan_and_flat_usage_proposes_nothing()
    {
        var t = await app.SignupAsync();
        await PlansAsync(t);
        var growing = await t.Http.CreateCustomerAsync(new { name = "Growing" });
        var flat = await t.Http.CreateCustomerAsync(new { name = "Flat" });
        foreach (var c in new[] { growing, flat }) await SubscriptionAsync(t, c, "basic", seats: 10, used: 4);
        await UsageAsync(t, growing, days: 60, activeUsers: _ => 4, dau: d => d < 30 ? 14 : 10);
        await UsageAsync(t, flat, days: 60, activeUsers: _ => 4, dau: d => d < 30 ? 12 : 10); // +20%

        foreach (var c in new[] { growing, flat }) await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        var o = (await OpportunitiesAsync(t, growing)).Single()!;
        o["cause"]!.GetValue<string>().ShouldBe("usage_growth");
        o["opportunity_type"]!.GetValue<string>().ShouldBe("upgrade");
        o["product_line"]!.GetValue<string>().ShouldBe("Premium");
        o["estimated_value"]!.GetValue<decimal>().ShouldBe(1440m); // (120 + 10 × 20 − 50 − 10 × 15) × 12
        o["evidence"]!["growth_percent"]!.GetValue<double>().ShouldBe(40.0);
        (await OpportunitiesAsync(t, flat)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_feature_used_beyond_the_plan_proposes_the_plan_that_includes_it_and_a_listed_feature_proposes_nothing()
    {
        var t = await app.SignupAsync();
        await PlansAsync(t);
        await ExecAsync(t, """
            UPDATE plans SET included_features = CASE code WHEN 'basic' THEN ARRAY['inbox', 'reports'] ELSE ARRAY['inbox', 'reports', 'api_access', 'sso'] END
            WHERE organization_id = $1
            """);
        var beyond = await t.Http.CreateCustomerAsync(new { name = "API User" });
        var within = await t.Http.CreateCustomerAsync(new { name = "Reports Only" });
        var old = await t.Http.CreateCustomerAsync(new { name = "Tried Once Long Ago" });
        foreach (var c in new[] { beyond, within, old }) await SubscriptionAsync(t, c, "basic", seats: 10, used: 4);
        await FeatureAsync(t, beyond, "api_access", 120, daysAgo: 2);
        await FeatureAsync(t, beyond, "api_access", 30, daysAgo: 9);
        await FeatureAsync(t, beyond, "reports", 50, daysAgo: 1);
        await FeatureAsync(t, within, "reports", 80, daysAgo: 1);
        await FeatureAsync(t, old, "sso", 5, daysAgo: 45); // outside the 30 days

        foreach (var c in new[] { beyond, within, old }) await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        var o = (await OpportunitiesAsync(t, beyond)).Single()!;
        o["cause"]!.GetValue<string>().ShouldBe("feature_beyond_plan");
        o["opportunity_type"]!.GetValue<string>().ShouldBe("upgrade");
        o["product_line"]!.GetValue<string>().ShouldBe("Premium");
        o["estimated_value"]!.GetValue<decimal>().ShouldBe(1440m); // (120 + 10 × 20 − 50 − 10 × 15) × 12
        o["evidence"]!["features_beyond_plan"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["api_access"]);
        o["evidence"]!["uses_last_30d"]!.GetValue<int>().ShouldBe(150);
        o["use_case"]!.GetValue<string>().ShouldContain("api_access");
        (await OpportunitiesAsync(t, within)).ShouldBeEmpty();
        (await OpportunitiesAsync(t, old)).ShouldBeEmpty();

        // Once per cause.
        await t.Http.PostJsonAsync($"/api/v1/customers/{beyond}/recompute_health", new { });
        (await OpportunitiesAsync(t, beyond)).Count.ShouldBe(1);

        // A plan that lists no features detects nothing; the catalogue's list is part of the plans resource.
        var unlisted = await t.Http.CreateCustomerAsync(new { name = "Unlisted Plan" });
        await ExecAsync(t, "INSERT INTO plans (id, organization_id, code, billing_cycle, name, base_price, price_per_seat) VALUES (gen_random_uuid(), $1, 'enterprise', 'monthly', 'Enterprise', 500, 30)");
        await SubscriptionAsync(t, unlisted, "enterprise", seats: 10, used: 4);
        await FeatureAsync(t, unlisted, "api_access", 10, daysAgo: 1);
        await t.Http.PostJsonAsync($"/api/v1/customers/{unlisted}/recompute_health", new { });
        (await OpportunitiesAsync(t, unlisted)).ShouldBeEmpty();
        var plans = (await t.Http.GetJsonAsync("/api/v1/plans?code=basic")).Json!["data"]!.AsArray();
        plans.Single()!["included_features"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["inbox", "reports"]);
    }

    private async Task FeatureAsync(AppFixture.Tenant t, Guid customer, string feature, int uses, int daysAgo) => await ExecAsync(t, $"""
        INSERT INTO feature_usage (id, organization_id, customer_id, feature_name, usage_count, last_used_at, date)
        VALUES (gen_random_uuid(), $1, '{customer}', '{feature}', {uses}, now() - interval '{daysAgo} days', current_date - {daysAgo})
        """);

    private static async Task<JsonArray> OpportunitiesAsync(AppFixture.Tenant t, Guid customer) =>
        (await t.Http.GetJsonAsync($"/api/v1/expansion_opportunities?customer_id={customer}")).Json!["data"]!.AsArray();

    private async Task PlansAsync(AppFixture.Tenant t) => await ExecAsync(t, """
        INSERT INTO plans (id, organization_id, code, billing_cycle, name, base_price, price_per_seat)
        VALUES (gen_random_uuid(), $1, 'basic', 'monthly', 'Basic', 50, 15), (gen_random_uuid(), $1, 'premium', 'monthly', 'Premium', 120, 20)
        ON CONFLICT (organization_id, code, billing_cycle) DO UPDATE SET base_price = EXCLUDED.base_price, price_per_seat = EXCLUDED.price_per_seat, name = EXCLUDED.name, is_active = true, deleted_at = NULL
        """);

    private async Task SubscriptionAsync(AppFixture.Tenant t, Guid customer, string plan, int seats, int used) => await ExecAsync(t, $"""
        INSERT INTO subscriptions (id, organization_id, customer_id, plan, billing_cycle, mrr, arr, seats_total, seats_used, status, current_period_start, current_period_end)
        VALUES (gen_random_uuid(), $1, '{customer}', '{plan}', 'monthly', 200, 2400, {seats}, {used}, 'active', now() - interval '10 days', now() + interval '20 days')
        """);

    /// <summary>Daily usage rows for the last <paramref name="days"/> days (day 0 is today).</summary>
    private async Task UsageAsync(AppFixture.Tenant t, Guid customer, int days, Func<int, int> activeUsers, Func<int, int> dau)
    {
        var values = string.Join(", ", Enumerable.Range(0, days).Select(d =>
            $"(gen_random_uuid(), $1, '{customer}', current_date - {d}, {dau(d)}, {dau(d)}, {activeUsers(d)}, 70)"));
        await ExecAsync(t, $"INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, login_count, active_users, adoption_score) VALUES {values}");
    }

    private async Task ExecAsync(AppFixture.Tenant t, string sql)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        await cmd.ExecuteNonQueryAsync();
    }
}
