using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

public sealed class AuditTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Create_update_and_delete_are_recorded_with_actor_and_diff()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.CreateCustomerAsync(new { name = "Old name", plan = "basic" });
        await t.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { name = "New name", plan = "basic" });
        await t.Http.DeleteAsync2($"/api/v1/customers/{id}");
        var logs = await t.Http.GetJsonAsync($"/api/v1/audit_logs?entity_id={id}&order=timestamp");
        var rows = logs.Json!["data"]!.AsArray();
        rows.Select(r => r!["action"]!.GetValue<string>()).ShouldBe(["create", "update", "delete"]);
        rows.ShouldAllBe(r => r!["actor_type"]!.GetValue<string>() == "api" && r["actor_id"]!.GetValue<string>() == t.UserId.ToString());
        rows[0]!["changes"]!["after"]!["name"]!.GetValue<string>().ShouldBe("Old name");
        var update = rows[1]!["changes"]!;
        update["before"]!["name"]!.GetValue<string>().ShouldBe("Old name");
        update["after"]!["name"]!.GetValue<string>().ShouldBe("New name");
        update["after"]!.AsObject().ContainsKey("plan").ShouldBeFalse(); // unchanged fields are left out
        rows[2]!["changes"]!["before"]!["name"]!.GetValue<string>().ShouldBe("New name");
        rows[0]!["user_agent"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Audit_logs_are_append_only_through_the_api_and_in_the_database()
    {
        var t = await app.SignupAsync();
        var some = (await t.Http.GetJsonAsync("/api/v1/audit_logs")).Json!["data"]![0]!["id"]!.GetValue<string>();
        (await t.Http.PostJsonAsync("/api/v1/audit_logs", new { action = "create", actor_type = "user" })).ShouldBeProblem(405);
        (await t.Http.PatchJsonAsync($"/api/v1/audit_logs/{some}", new { action = "delete" })).ShouldBeProblem(405);
        (await t.Http.DeleteAsync2($"/api/v1/audit_logs/{some}")).ShouldBeProblem(405);

        await using (var conn = await app.AppRoleAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await new NpgsqlCommand($"SELECT set_config('clientele.organization_id', '{t.OrganizationId}', true)", conn, tx).ExecuteScalarAsync();
            var e = await Should.ThrowAsync<PostgresException>(() => new NpgsqlCommand("UPDATE audit_logs SET action = 'read'", conn, tx).ExecuteNonQueryAsync());
            e.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        }
        // Even the owner (superuser here) is stopped by the trigger.
        await using var owner = await app.OwnerAsync();
        (await Should.ThrowAsync<PostgresException>(() => new NpgsqlCommand("DELETE FROM audit_logs", owner).ExecuteNonQueryAsync())).MessageText.ShouldContain("append-only");
        (await Should.ThrowAsync<PostgresException>(() => new NpgsqlCommand("UPDATE audit_logs SET action = 'read'", owner).ExecuteNonQueryAsync())).MessageText.ShouldContain("append-only");
        (await t.Http.GetJsonAsync($"/api/v1/audit_logs/{some}")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
