using Response = (System.Net.HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Json, System.Net.Http.HttpResponseMessage Response);
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Billing;

/// <summary>Issue 10 item 9: the platform plan's limits (users with pending invitations, agents, messages), the plan-limit problem, 80%/100% notices, /organization/usage.</summary>
public sealed class PlanLimitTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task LimitAsync(Guid org, string column, int value)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand($"UPDATE organizations SET plan = 'free', plan_status = 'active', {column} = $2 WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(value);
        await cmd.ExecuteNonQueryAsync();
    }

    private static Task<Response> AddUserAsync(HttpClient http) =>
        http.PostJsonAsync("/api/v1/users", new { email = $"m-{Guid.NewGuid():N}@x.test", role = "member" });

    private static void ShouldBePlanLimit(Response r, string limit, long max, long used)
    {
        r.ShouldBeProblem(402, limit);
        r.Json!["type"]!.GetValue<string>().ShouldEndWith("/problems/plan-limit");
        r.Json["limit"]!.GetValue<string>().ShouldBe(limit);
        r.Json["max"]!.GetValue<long>().ShouldBe(max);
        r.Json["used"]!.GetValue<long>().ShouldBe(used);
    }

    [Fact]
    public async Task The_second_user_on_a_one_user_plan_is_refused_with_a_plan_limit_problem_and_pending_invitations_take_seats()
    {
        var t = await app.SignupAsync();
        (await AddUserAsync(t.Http)).Status.ShouldBe(System.Net.HttpStatusCode.Created); // the trial allows more than one
        var solo = await app.SignupAsync();
        await LimitAsync(solo.OrganizationId, "max_users", 1);
        var refused = await AddUserAsync(solo.Http);
        ShouldBePlanLimit(refused, "max_users", 1, 1);
        refused.Json!["detail"]!.GetValue<string>().ShouldContain("free plan allows 1 users");
        (await solo.Http.GetOkAsync("/api/v1/users"))["data"]!.AsArray().Count.ShouldBe(1); // nothing half-written

        await LimitAsync(solo.OrganizationId, "max_users", 2);
        // A pending invitation holds a seat. It is written directly: creating one through the API needs SMTP
        // (the invitation is emailed), and the API's own seat check is InvitationTests' concern.
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO team_invitations (id, organization_id, invited_by, email, role, token, expires_at)
            VALUES ($1, $2, $3, 'pending@x.test', 'member', $4, now() + interval '7 days')
            """, conn))
        {
            cmd.Parameters.AddWithValue(Guid.CreateVersion7());
            cmd.Parameters.AddWithValue(solo.OrganizationId);
            cmd.Parameters.AddWithValue(solo.UserId);
            cmd.Parameters.AddWithValue($"inv_{Guid.NewGuid():N}");
            await cmd.ExecuteNonQueryAsync();
        }
        ShouldBePlanLimit(await AddUserAsync(solo.Http), "max_users", 2, 2); // the owner and the pending invitation
        var usage = await solo.Http.GetOkAsync("/api/v1/organization/usage");
        usage["limits"]!["max_users"]!.Dec("used").ShouldBe(2);
        usage["limits"]!["max_users"]!.Dec("percent").ShouldBe(100m);
    }

    [Fact]
    public async Task Owners_are_notified_once_at_80_percent_and_once_at_100_percent()
    {
        var t = await app.SignupAsync();
        await LimitAsync(t.OrganizationId, "max_users", 5);
        async Task<List<JsonNode>> NoticesAsync() =>
            (await t.Http.GetOkAsync("/api/v1/notifications?category=plan_limit&limit=50"))["data"]!.AsArray().Select(n => n!).ToList();

        for (var i = 0; i < 2; i++) (await AddUserAsync(t.Http)).Status.ShouldBe(System.Net.HttpStatusCode.Created);
        (await NoticesAsync()).ShouldBeEmpty(); // 3 of 5
        (await AddUserAsync(t.Http)).Status.ShouldBe(System.Net.HttpStatusCode.Created);
        var at80 = (await NoticesAsync()).ShouldHaveSingleItem(); // 4 of 5
        at80["data"]!.Dec("percent").ShouldBe(80);
        at80["user_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        (await AddUserAsync(t.Http)).Status.ShouldBe(System.Net.HttpStatusCode.Created);
        var notices = await NoticesAsync();
        notices.Count.ShouldBe(2);
        notices.Count(n => n["data"]!.Dec("percent") == 100).ShouldBe(1);
        ShouldBePlanLimit(await AddUserAsync(t.Http), "max_users", 5, 5);
        (await NoticesAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Agents_and_monthly_messages_are_limited_and_shown_in_the_usage()
    {
        var t = await app.SignupAsync();
        await LimitAsync(t.OrganizationId, "max_agents", 1);
        await LimitAsync(t.OrganizationId, "max_messages", 2);
        async Task<Guid> PhoneAsync() => Guid.Parse((await t.Http.PostOkAsync("/api/v1/phone_numbers",
            new { platform = "whatsapp", meta_phone_number_id = Guid.NewGuid().ToString("N")[..15], access_token = "EAAG-secret" }, 201)).Str("id"));
        await t.Http.PostOkAsync("/api/v1/agents", new { phone_number_id = await PhoneAsync(), prompt_id = "sales-v1", name = "Ava" }, 201);
        ShouldBePlanLimit(await t.Http.PostJsonAsync("/api/v1/agents", new { phone_number_id = await PhoneAsync(), prompt_id = "sales-v1", name = "Leo" }), "max_agents", 1, 1);

        var customer = await t.Http.CreateCustomerAsync();
        var conversation = (await t.Http.PostOkAsync("/api/v1/conversations", new { customer_id = customer, channel = "email" }, 201)).Str("id");
        Task<Response> Message(string role) => t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversation, role, content = "hello", status = "sent" });
        for (var i = 0; i < 2; i++) ((int)(await Message("assistant")).Status).ShouldBe(201);
        ((int)(await Message("user")).Status).ShouldBe(201); // inbound messages are not limited
        ShouldBePlanLimit(await Message("assistant"), "max_messages", 2, 2);

        var usage = await t.Http.GetOkAsync("/api/v1/organization/usage");
        usage.Str("plan").ShouldBe("free");
        usage["limits"]!["max_messages"]!.Dec("used").ShouldBe(2);
        usage["limits"]!["max_agents"]!.Dec("used").ShouldBe(1);
        usage["limits"]!["max_storage"]!.Dec("max").ShouldBe(1073741824); // the trial allowance's
        var other = await app.SignupAsync();
        (await other.Http.GetOkAsync("/api/v1/organization/usage"))["limits"]!["max_messages"]!.Dec("used").ShouldBe(0);
    }

    /// <summary>Issue 16: messages are counted at commit (migration 0124); concurrent sends still stop exactly at the limit.</summary>
    [Fact]
    public async Task Concurrent_assistant_messages_stop_exactly_at_the_monthly_limit()
    {
        var t = await app.SignupAsync();
        await LimitAsync(t.OrganizationId, "max_messages", 5);
        var customer = await t.Http.CreateCustomerAsync();
        // Separate conversations, so the sends only meet on the organization's monthly counter.
        var conversations = new List<string>();
        for (var i = 0; i < 12; i++) conversations.Add((await t.Http.PostOkAsync("/api/v1/conversations", new { customer_id = customer, channel = "email" }, 201)).Str("id"));
        var answers = await Task.WhenAll(conversations.Select(c =>
            t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = c, role = "assistant", content = "hello", status = "sent" })));
        answers.Count(a => (int)a.Status == 201).ShouldBe(5, "no overshoot: the commits that count serialize on the month's row");
        foreach (var refused in answers.Where(a => (int)a.Status != 201)) refused.ShouldBeProblem(402, "max_messages");
        (await t.Http.GetOkAsync("/api/v1/organization/usage"))["limits"]!["max_messages"]!.Dec("used").ShouldBe(5);
        await using var owner = await app.OwnerAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM messages WHERE organization_id = $1 AND role = 'assistant'", owner);
        count.Parameters.AddWithValue(t.OrganizationId);
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(5L, "a refused message rolled back with its count");
        ShouldBePlanLimit(await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = conversations[0], role = "assistant", content = "again", status = "sent" }), "max_messages", 5, 5);
    }

    /// <summary>Issue 16: an open transaction that wrote a reply no longer holds the organization's counter row until it commits.</summary>
    [Fact]
    public async Task A_reply_waiting_to_commit_does_not_block_another_reply_of_the_organization()
    {
        var t = await app.SignupAsync();
        var first = (await t.Http.PostOkAsync("/api/v1/conversations", new { customer_id = await t.Http.CreateCustomerAsync(), channel = "email" }, 201)).Str("id");
        var second = (await t.Http.PostOkAsync("/api/v1/conversations", new { customer_id = await t.Http.CreateCustomerAsync(), channel = "email" }, 201)).Str("id");
        (await t.Http.PostJsonAsync("/api/v1/messages", new { conversation_id = first, role = "assistant", content = "month's first", status = "sent" })).Status
            .ShouldBe(System.Net.HttpStatusCode.Created); // the month's counter row exists

        async Task<(NpgsqlConnection Conn, NpgsqlTransaction Tx)> InsertAsync(string conversation)
        {
            var conn = await app.AppRoleAsync();
            var tx = await conn.BeginTransactionAsync();
            await using (var set = new NpgsqlCommand("SELECT set_config('clientele.organization_id', $1, true)", conn, tx))
            {
                set.Parameters.AddWithValue(t.OrganizationId.ToString());
                await set.ExecuteNonQueryAsync();
            }
            await new NpgsqlCommand("SET LOCAL lock_timeout = '3s'", conn, tx).ExecuteNonQueryAsync();
            await using var cmd = new NpgsqlCommand("INSERT INTO messages (id, organization_id, conversation_id, role, content) VALUES (gen_random_uuid(), $1, $2, 'assistant', 'reply')", conn, tx);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            cmd.Parameters.AddWithValue(Guid.Parse(conversation));
            await cmd.ExecuteNonQueryAsync();
            return (conn, tx);
        }
        var open = await InsertAsync(first);   // written, not committed
        var other = await InsertAsync(second);
        await other.Tx.CommitAsync();           // would wait on the counter row (lock_timeout) if the INSERT had taken it
        await open.Tx.CommitAsync();
        await open.Conn.DisposeAsync();
        await other.Conn.DisposeAsync();
        (await t.Http.GetOkAsync("/api/v1/organization/usage"))["limits"]!["max_messages"]!.Dec("used").ShouldBe(3);
    }
}
