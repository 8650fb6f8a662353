using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10 item 9: reactivating a user or an agent (migration 0062) passes the plan's seat or agent limit like adding one.</summary>
public sealed class PlanLimitReactivationTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Reactivating_a_user_past_the_seat_limit_is_refused_with_the_plan_limit_problem_and_changes_nothing()
    {
        var t = await app.SignupAsync();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE organizations SET plan = 'free', plan_status = 'active', max_users = 2 WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        var first = await t.Http.PostJsonAsync("/api/v1/users", new { email = $"m-{Guid.NewGuid():N}@x.test", role = "member" });
        first.Status.ShouldBe(HttpStatusCode.Created, first.Json?.ToJsonString());
        var id = first.Json!["id"]!.GetValue<string>();
        (await t.Http.PatchJsonAsync($"/api/v1/users/{id}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        // The freed seat is taken by someone else...
        (await t.Http.PostJsonAsync("/api/v1/users", new { email = $"m-{Guid.NewGuid():N}@x.test", role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
        // ...so bringing the first one back would be a third seat on a two-seat plan.
        var back = await t.Http.PatchJsonAsync($"/api/v1/users/{id}", new { is_active = true });
        ((int)back.Status).ShouldBe(402, back.Json?.ToJsonString());
        back.Json!["type"]!.GetValue<string>().ShouldEndWith("/problems/plan-limit");
        back.Json["limit"]!.GetValue<string>().ShouldBe("max_users");
        back.Json["used"]!.GetValue<long>().ShouldBe(2);
        (await t.Http.GetJsonAsync($"/api/v1/users/{id}")).Json!["is_active"]!.GetValue<bool>().ShouldBeFalse();

        // A seat freed again lets the reactivation through.
        var users = (await t.Http.GetJsonAsync("/api/v1/users")).Json!["data"]!.AsArray();
        var other = users.First(u => u!["id"]!.GetValue<string>() != id && u["role"]!.GetValue<string>() == "member")!["id"]!.GetValue<string>();
        (await t.Http.PatchJsonAsync($"/api/v1/users/{other}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.PatchJsonAsync($"/api/v1/users/{id}", new { is_active = true })).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Reactivating_an_agent_past_the_agent_limit_is_refused_with_the_plan_limit_problem_and_changes_nothing()
    {
        var t = await app.SignupAsync();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE organizations SET plan = 'free', plan_status = 'active', max_agents = 1 WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        async Task<string> AgentAsync(string name)
        {
            var phone = (await t.Http.PostOkAsync("/api/v1/phone_numbers",
                new { platform = "whatsapp", meta_phone_number_id = Guid.NewGuid().ToString("N")[..15], access_token = "EAAG-secret" }, 201)).Str("id");
            return (await t.Http.PostOkAsync("/api/v1/agents", new { phone_number_id = phone, prompt_id = "sales-v1", name }, 201)).Str("id");
        }
        var ava = await AgentAsync("Ava");
        (await t.Http.PatchJsonAsync($"/api/v1/agents/{ava}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        var leo = await AgentAsync("Leo"); // the freed agent slot is taken

        var back = await t.Http.PatchJsonAsync($"/api/v1/agents/{ava}", new { is_active = true });
        ((int)back.Status).ShouldBe(402, back.Json?.ToJsonString());
        back.Json!["type"]!.GetValue<string>().ShouldEndWith("/problems/plan-limit");
        back.Json["limit"]!.GetValue<string>().ShouldBe("max_agents");
        back.Json["max"]!.GetValue<long>().ShouldBe(1);
        back.Json["used"]!.GetValue<long>().ShouldBe(1);
        (await t.Http.GetJsonAsync($"/api/v1/agents/{ava}")).Json!["is_active"]!.GetValue<bool>().ShouldBeFalse();

        (await t.Http.PatchJsonAsync($"/api/v1/agents/{leo}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.PatchJsonAsync($"/api/v1/agents/{ava}", new { is_active = true })).Status.ShouldBe(HttpStatusCode.OK);
    }
}
