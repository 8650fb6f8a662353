using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

public sealed class HostTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Openapi_documents_every_resource_and_the_docs_page_serves()
    {
        var c = app.Client();
        var doc = await c.GetJsonAsync("/openapi/v1.json");
        doc.Status.ShouldBe(HttpStatusCode.OK);
        var paths = doc.Json!["paths"]!.AsObject();
        paths.ContainsKey("/api/v1/customers").ShouldBeTrue();
        paths.ContainsKey("/api/v1/customers/{id}").ShouldBeTrue();
        paths.ContainsKey("/api/v1/signup").ShouldBeTrue();
        paths.ContainsKey("/api/v1/{table}").ShouldBeFalse();
        paths["/api/v1/customers"]!["post"]!["requestBody"].ShouldNotBeNull();
        paths["/api/v1/audit_logs"]!.AsObject().ContainsKey("post").ShouldBeFalse();
        var schema = doc.Json["components"]!["schemas"]!["Customers"]!["properties"]!.AsObject();
        schema.ContainsKey("health_score").ShouldBeTrue();
        schema["days_until_renewal"]!["readOnly"]!.GetValue<bool>().ShouldBeTrue();
        doc.Json["components"]!["schemas"]!["Users"]!["properties"]!.AsObject().ContainsKey("password_hash").ShouldBeFalse();
        var page = await c.GetAsync("/docs/index.html");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("swagger");
    }

    [Fact]
    public async Task Health_endpoints_report_liveness_and_readiness()
    {
        var c = app.Client();
        (await c.GetJsonAsync("/health/live")).Json!["status"]!.GetValue<string>().ShouldBe("healthy");
        var ready = await c.GetJsonAsync("/health/ready");
        ready.Status.ShouldBe(HttpStatusCode.OK);
        ready.Json!["checks"]!["database"]!["description"]!.GetValue<string>().ShouldContain("migrations applied");
    }
}

public sealed class RateLimitFixture : AppFixture
{
    protected override Dictionary<string, string?> Config => new() { ["RateLimit:PermitsPerSecond"] = "1", ["RateLimit:Burst"] = "3" };
}

public sealed class RateLimitTests(RateLimitFixture app) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task Each_api_key_has_its_own_bucket_and_429_says_when_to_retry()
    {
        var a = await app.SignupAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await a.Http.GetJsonAsync("/api/v1/customers")).Status);
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
        var limited = await a.Http.GetJsonAsync("/api/v1/customers");
        limited.ShouldBeProblem(429);
        int.Parse(limited.Response.Headers.RetryAfter!.ToString()).ShouldBeGreaterThanOrEqualTo(1);
        // Another key is not affected.
        var b = await app.SignupAsync();
        (await b.Http.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
