using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 9: system segments assigned by rules, replaced when the customer changes, manual ones untouched, a health model per segment.</summary>
public sealed class SegmentTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    internal static async Task<Dictionary<string, JsonNode>> SystemSegmentsAsync(AppFixture.Tenant t, Guid customer) =>
        (await t.Http.GetJsonAsync($"/api/v1/customer_segments?customer_id={customer}&assigned_by=system")).Json!["data"]!.AsArray()
            .ToDictionary(x => x!["segment_type"]!.GetValue<string>(), x => x!);

    [Fact]
    public async Task Rules_assign_value_lifecycle_industry_behaviour_and_risk_and_follow_the_customer_while_manual_segments_stay()
    {
        var t = await app.SignupAsync();
        var c = await t.Http.CreateCustomerAsync(new { name = "Segmented Co", mrr = 12000, stage = "active", industry = "Logistics" });
        // Two weeks of usage: DAU 10 the week before, 13 this week (+30%).
        var values = string.Join(", ", Enumerable.Range(0, 14).Select(d => $"(gen_random_uuid(), $1, '{c}', current_date - {d}, {(d < 7 ? 13 : 10)}, 5, 70)"));
        await ExecAsync(t, $"INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, login_count, adoption_score) VALUES {values}");
        var manual = await t.Http.PostJsonAsync("/api/v1/customer_segments", new { customer_id = c, segment_type = "value", segment_name = "strategic", assigned_by = "csm", confidence_score = 1 });
        manual.Status.ShouldBe(HttpStatusCode.Created, manual.Json?.ToJsonString());

        (await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { })).Status.ShouldBe(HttpStatusCode.OK);
        var seg = await SystemSegmentsAsync(t, c);
        seg["value"]["segment_name"]!.GetValue<string>().ShouldBe("enterprise");
        seg["value"]["extra_metadata"]!["mrr"]!.GetValue<decimal>().ShouldBe(12000m);
        seg["lifecycle"]["segment_name"]!.GetValue<string>().ShouldBe("active");
        seg["industry"]["segment_name"]!.GetValue<string>().ShouldBe("logistics");
        seg["behavior"]["segment_name"]!.GetValue<string>().ShouldBe("growing");
        seg["behavior"]["confidence_score"]!.GetValue<decimal>().ShouldBe(1.00m); // 14 days of data
        seg["behavior"]["extra_metadata"]!["dau_change_percent"]!.GetValue<double>().ShouldBe(30.0);
        var health = (await t.Http.GetJsonAsync($"/api/v1/customers/{c}/health")).Json!;
        var churn = health["churn_risk"]!.GetValue<decimal>();
        seg["risk"]["segment_name"]!.GetValue<string>().ShouldBe(churn >= 0.7m ? "high-risk" : churn >= 0.4m ? "medium-risk" : "low-risk");
        seg["risk"]["confidence_score"]!.GetValue<decimal>().ShouldBe(Math.Round(health["confidence"]!.GetValue<decimal>(), 2));
        foreach (var s in seg.Values) s["assigned_by"]!.GetValue<string>().ShouldBe("system");

        // Nothing changed: recomputing writes no new rows.
        var rows = await CountAsync(t, "SELECT count(*) FROM customer_segments WHERE organization_id = $1");
        await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        (await CountAsync(t, "SELECT count(*) FROM customer_segments WHERE organization_id = $1")).ShouldBe(rows);

        // The customer moves band and stage, a health model weighs the smb segment: the system segments follow, the manual one stays.
        var model = await t.Http.PostJsonAsync("/api/v1/health_models", new { name = "SMB: billing only", segment = "smb", weights = new { billing = 100 }, is_active = true });
        model.Status.ShouldBe(HttpStatusCode.Created, model.Json?.ToJsonString());
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{c}", new { mrr = 800, stage = "at_risk", industry = (string?)null })).Status.ShouldBe(HttpStatusCode.OK);
        await t.Http.PostJsonAsync($"/api/v1/customers/{c}/recompute_health", new { });
        seg = await SystemSegmentsAsync(t, c);
        seg["value"]["segment_name"]!.GetValue<string>().ShouldBe("smb");
        seg["lifecycle"]["segment_name"]!.GetValue<string>().ShouldBe("at_risk");
        seg.ShouldNotContainKey("industry");
        (await CountAsync(t, "SELECT count(*) FROM customer_segments WHERE organization_id = $1 AND segment_name IN ('enterprise', 'active', 'logistics') AND deleted_at IS NOT NULL")).ShouldBe(3L);
        var kept = (await t.Http.GetJsonAsync($"/api/v1/customer_segments?customer_id={c}&assigned_by=csm")).Json!["data"]!.AsArray().Single()!;
        kept["segment_name"]!.GetValue<string>().ShouldBe("strategic");
        var explained = (await t.Http.GetJsonAsync($"/api/v1/customers/{c}/health")).Json!;
        explained["model"]!["segment"]!.GetValue<string>().ShouldBe("smb");
        explained["components"]!["billing"]!["weight"]!.GetValue<double>().ShouldBe(100);

        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync("/api/v1/customer_segments")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    private async Task ExecAsync(AppFixture.Tenant t, string sql)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue(t.OrganizationId);
        await cmd.ExecuteNonQueryAsync();
    }

    private Task<long> CountAsync(AppFixture.Tenant t, string sql) => HealthTests.CountAsync(app, sql, t.OrganizationId);
}

/// <summary>Segments kept current by the event-driven recomputation: a change to the customer moves them without anyone asking.</summary>
public sealed class SegmentEventTests(HealthEventsFixture app) : IClassFixture<HealthEventsFixture>
{
    [Fact]
    public async Task A_customer_update_moves_its_system_segments()
    {
        var t = await app.SignupAsync();
        var c = await t.Http.CreateCustomerAsync(new { name = "Moving Co", mrr = 600, stage = "onboarding" });
        await Eventually.GetAsync(() => SegmentTests.SystemSegmentsAsync(t, c), s => s.TryGetValue("value", out var v) && v["segment_name"]!.GetValue<string>() == "smb",
            TimeSpan.FromSeconds(30), "the segments of the new customer");
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{c}", new { mrr = 2500, stage = "active" })).Status.ShouldBe(HttpStatusCode.OK);
        var seg = await Eventually.GetAsync(() => SegmentTests.SystemSegmentsAsync(t, c), s => s["value"]["segment_name"]!.GetValue<string>() == "mid-market",
            TimeSpan.FromSeconds(30), "the segments after the update");
        seg["lifecycle"]["segment_name"]!.GetValue<string>().ShouldBe("active");
    }
}
