using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Bad input gets a clear problem+json naming the field, changes nothing, and is never a 500.</summary>
public sealed class ErrorTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<int> CountAsync(HttpClient c) =>
        (await c.GetJsonAsync("/api/v1/customers?limit=200")).Json!["data"]!.AsArray().Count;

    [Fact]
    public async Task Database_constraints_map_to_409_and_422_with_the_field()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync(new { email = "dup@acme.test" });
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "dup@acme.test" })).ShouldBeProblem(409, "email");
        var range = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", health_score = 150 });
        range.ShouldBeProblem(422, "health_score");
        range.Json!["errors"]!["health_score"]![0]!.GetValue<string>().ShouldContain("health_score <= 100"); // says what the rule is
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "b@acme.test", churn_risk = 1.5 })).ShouldBeProblem(422, "churn_risk");
        var plan = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "c@acme.test", plan = "platinum" });
        plan.ShouldBeProblem(422, "plan");
        plan.Json!["errors"]!["plan"]![0]!.GetValue<string>().ShouldContain("'enterprise'");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "d@acme.test", csm_id = Guid.NewGuid() })).ShouldBeProblem(422, "csm_id");
        (await CountAsync(t.Http)).ShouldBe(1);
    }

    [Fact]
    public async Task Another_tenants_row_cannot_be_referenced()
    {
        var a = await app.SignupAsync();
        var b = await app.SignupAsync();
        // b's owner id exists, but in another tenant: the composite FK refuses it.
        (await a.Http.PostJsonAsync("/api/v1/customers", new { email = "x@a.test", csm_id = b.UserId })).ShouldBeProblem(422, "csm_id");
    }

    [Fact]
    public async Task Types_nulls_required_and_lengths_are_validated_before_the_database()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", health_score = "high" })).ShouldBeProblem(422, "health_score");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", renewal_date = "next week" })).ShouldBeProblem(422, "renewal_date");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", csm_id = "not-a-uuid" })).ShouldBeProblem(422, "csm_id");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { name = "No email" })).ShouldBeProblem(422, "email");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = (string?)null })).ShouldBeProblem(422, "email");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", country = "USA" })).ShouldBeProblem(422, "country");
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = "a@acme.test", surprise = 1 })).ShouldBeProblem(422, "surprise");
        (await CountAsync(t.Http)).ShouldBe(0);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/customers", "{\"email\": ")).ShouldBeProblem(400);
        (await t.Http.PostJsonAsync("/api/v1/customers", "[1,2]")).ShouldBeProblem(400);
        (await t.Http.PostJsonAsync("/api/v1/customers", "")).ShouldBeProblem(400);
        var huge = "{\"email\":\"a@b.test\",\"name\":\"" + new string('x', 2_000_000) + "\"}";
        // Expect: 100-continue lets the server refuse by Content-Length before the upload, as large
        // clients do; without it the client may still be writing when the 413 closes the connection.
        (await t.Http.PostJsonAsync("/api/v1/customers", huge, m => m.Headers.ExpectContinue = true)).ShouldBeProblem(413);
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{Guid.NewGuid()}", "not json")).ShouldBeProblem(400);
        (await CountAsync(t.Http)).ShouldBe(0);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_too()
    {
        var t = await app.SignupAsync();
        var r = await t.Http.GetJsonAsync("/api/v2/anything");
        r.ShouldBeProblem(404);
        (await t.Http.SendAsync(HttpMethod.Put, "/api/v1/customers/" + Guid.NewGuid(), new { })).ShouldBeProblem(405);
        r.Response.Headers.GetValues("X-Request-Id").Single().ShouldNotBeNullOrEmpty();
        r.Json!["request_id"]!.GetValue<string>().ShouldBe(r.Response.Headers.GetValues("X-Request-Id").Single());
    }
}
