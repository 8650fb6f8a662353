using System.Net;
using Clientele.Platform.Database;
using Clientele.Platform.Idempotency;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

public sealed class IdempotencyTests(AppFixture app) : IClassFixture<AppFixture>
{
    private static Action<HttpRequestMessage> Key(string key) => m => m.Headers.Add("Idempotency-Key", key);

    [Fact]
    public async Task The_first_response_is_replayed_and_nothing_is_created_twice()
    {
        var t = await app.SignupAsync();
        var first = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "once@x.test" }, Key("k-1"));
        first.Status.ShouldBe(HttpStatusCode.Created);
        var again = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "once@x.test" }, Key("k-1"));
        again.Status.ShouldBe(HttpStatusCode.Created);
        again.Json!["id"]!.GetValue<string>().ShouldBe(first.Json!["id"]!.GetValue<string>());
        again.Response.Headers.Location!.ToString().ShouldBe(first.Response.Headers.Location!.ToString());
        again.Response.Headers.GetValues("Idempotent-Replayed").Single().ShouldBe("true");
        (await t.Http.GetJsonAsync("/api/v1/customers")).Json!["data"]!.AsArray().Count.ShouldBe(1);

        // Errors (4xx) are answers too: replayed, not re-run.
        var bad = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "once@x.test" }, Key("k-2"));
        bad.ShouldBeProblem(409);
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "once@x.test" }, Key("k-2"))).ShouldBeProblem(409);
    }

    [Fact]
    public async Task Same_key_with_other_parameters_is_422_and_keys_are_per_tenant()
    {
        var t = await app.SignupAsync();
        await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@x.test" }, Key("shared"));
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "b@x.test" }, Key("shared"))).ShouldBeProblem(422, "Idempotency-Key");
        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync("/api/v1/customers", new { email = "b@x.test" }, Key("shared"))).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_key_still_in_flight_is_409_and_expired_keys_are_purged()
    {
        var t = await app.SignupAsync();
        await using var owner = await app.OwnerAsync();
        await using (var cmd = new NpgsqlCommand("INSERT INTO idempotency_keys (organization_id, key, request_hash, expires_at) VALUES ($1, 'busy', '\\x00', now() + interval '1 day')", owner))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        // Same key while the first request "runs": the hash differs, so first prove the in-flight rule with a matching hash.
        await using (var cmd = new NpgsqlCommand("UPDATE idempotency_keys SET request_hash = $2 WHERE organization_id = $1 AND key = 'busy'", owner))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            cmd.Parameters.AddWithValue(IdempotencyMiddleware.HashRequest("POST", "/api/v1/customers", "", "{\"email\":\"f@x.test\"}"u8.ToArray()));
            await cmd.ExecuteNonQueryAsync();
        }
        (await t.Http.PostJsonAsync("/api/v1/customers", "{\"email\":\"f@x.test\"}", Key("busy"))).ShouldBeProblem(409);

        await using (var cmd = new NpgsqlCommand("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE organization_id = $1", owner))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await IdempotencyPurgeJob.PurgeAsync(app.App.Services.GetRequiredService<AppDataSource>(), CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        await using (var cmd = new NpgsqlCommand("SELECT count(*) FROM idempotency_keys WHERE organization_id = $1", owner))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0);
        }
    }
}
