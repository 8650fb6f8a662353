using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Resources;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>
/// Issue 8 items 3 and 10: the probe's malformed inputs, each a 400/422 problem naming the field
/// (generic API, signup, webchat), and the contract gaps it found.
/// </summary>
public sealed class MalformedInputTests(WebchatFixture app) : IClassFixture<WebchatFixture>
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<(int Status, JsonNode? Json, string? MediaType)> RawAsync(HttpClient c, HttpMethod method, string url, byte[]? body = null, string? bearer = null)
    {
        using var req = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            req.Content = new ByteArrayContent(body);
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        if (bearer is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var res = await c.SendAsync(req);
        var text = await res.Content.ReadAsStringAsync();
        ((int)res.StatusCode).ShouldBeLessThan(500, $"{method} {url}: {text}");
        return ((int)res.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null, res.Content.Headers.ContentType?.MediaType);
    }

    private static void ShouldName((int Status, JsonNode? Json, string? MediaType) r, int status, string field)
    {
        r.Status.ShouldBe(status, r.Json?.ToJsonString());
        r.MediaType.ShouldBe("application/problem+json");
        r.Json!["errors"]?[field].ShouldNotBeNull($"expected errors.{field} in {r.Json.ToJsonString()}");
    }

    /// <summary>The probe's bodies: invalid UTF-8, a lone surrogate, a NUL, a duplicated key (for the named text field).</summary>
    private static IEnumerable<byte[]> PoisonBodies(string field, string rest = "") =>
    [
        [.. Utf8($"{{{rest}\"{field}\":\""), 0xC3, 0x28, .. Utf8("\"}")],
        Utf8($"{{{rest}\"{field}\":\"a\\ud800b\"}}"),
        Utf8($"{{{rest}\"{field}\":\"a\\u0000b\"}}"),
        Utf8($"{{{rest}\"{field}\":\"a\",\"{field}\":\"b\"}}"),
    ];

    [Fact]
    public async Task The_probes_malformed_bodies_are_422_naming_the_field_and_create_nothing()
    {
        var t = await app.SignupAsync();
        foreach (var body in PoisonBodies("name", "\"email\":\"x@example.test\","))
            ShouldName(await RawAsync(t.Http, HttpMethod.Post, "/api/v1/customers", body), 422, "name");
        var customer = await t.Http.CreateCustomerAsync();
        foreach (var body in PoisonBodies("name"))
            ShouldName(await RawAsync(t.Http, HttpMethod.Patch, $"/api/v1/customers/{customer}", body), 422, "name");
        (await t.Http.GetJsonAsync($"/api/v1/customers/{customer}")).Json!["name"]!.GetValue<string>().ShouldBe("Test Customer");
        (await t.Http.GetJsonAsync("/api/v1/customers")).Json!["data"]!.AsArray().Count.ShouldBe(1);

        // 1e400 in a float column (double precision / real): .NET reads it as Infinity.
        var registry = app.App.Services.GetRequiredService<ResourceRegistry>();
        var (table, column) = registry.All.Where(d => d.CanCreate && !d.AdminWrites)
            .SelectMany(d => d.Columns.Where(c => c.Kind == ColumnKind.Double && !c.ReadOnly).Select(c => (d.Table, c.Name))).First();
        ShouldName(await RawAsync(t.Http, HttpMethod.Post, $"/api/v1/{table}", Utf8($"{{\"{column}\":1e400}}")), 422, column);
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, $"/api/v1/{table}?{column}[gt]=1e400"), 400, $"{column}[gt]");
    }

    [Fact]
    public async Task The_probes_malformed_filters_are_400_naming_the_parameter()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync(new { name = @"50% off \ deal" });
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?name=a%00b"), 400, "name");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?name[in]=a,b%00"), 400, "name[in]");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?name[like]=%25%25%5C"), 400, "name[like]");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?order=--id"), 400, "order");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?order=%2B-name"), 400, "order");
        // An escaped backslash is a literal one: the pattern is fine and finds the row.
        var found = await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?name[like]=%25%5C%5C%25");
        found.Status.ShouldBe(200);
        found.Json!["data"]!.AsArray().Count.ShouldBe(1);
        (await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?order=-name")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Signup_and_webchat_refuse_text_they_cannot_store_naming_the_field()
    {
        using var anon = app.Client();
        const string rest = "\"organization_name\":\"Poison Org\",\"email\":\"p@example.test\",\"password\":\"correct horse battery\",";
        foreach (var body in PoisonBodies("name", rest))
            ShouldName(await RawAsync(anon, HttpMethod.Post, "/api/v1/signup", body), 422, "name");
        (await RawAsync(anon, HttpMethod.Post, "/api/v1/signup", Utf8("{\"credits\":\"x\",\"name\":[\"a\\udc00\"]}"))).Status.ShouldBe(422);

        var ch = await app.ChannelAsync([]);
        foreach (var body in PoisonBodies("name"))
            ShouldName(await RawAsync(anon, HttpMethod.Post, $"/webchat/{ch.PublicKey}/sessions", body), 422, "name");
        var visitor = await app.SessionAsync(ch);
        foreach (var body in PoisonBodies("text"))
            ShouldName(await RawAsync(anon, HttpMethod.Post, $"/webchat/{ch.PublicKey}/messages", body, visitor.Token), 422, "text");
        (await ch.Tenant.Http.GetJsonAsync("/api/v1/conversations")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Contract_gaps_are_closed()
    {
        var t = await app.SignupAsync();
        // message_credits/grant takes a JSON number, not "10".
        ShouldName(await RawAsync(t.Http, HttpMethod.Post, "/api/v1/message_credits/grant", Utf8("{\"credits\":\"10\"}")), 422, "credits");
        (await RawAsync(t.Http, HttpMethod.Post, "/api/v1/message_credits/grant", Utf8("{\"credits\":10}"))).Status.ShouldBe(200);

        // users/activity: limit is checked, not ignored.
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/users/activity?limit=abc"), 400, "limit");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/users/activity?limit=0"), 400, "limit");
        ShouldName(await RawAsync(t.Http, HttpMethod.Get, "/api/v1/users/activity?sort=x"), 400, "sort");
        (await RawAsync(t.Http, HttpMethod.Get, "/api/v1/users/activity?limit=1")).Json!["data"]!.AsArray().Count.ShouldBe(1);

        // activity_logs is the server's record: tenants read it, never write it.
        (await RawAsync(t.Http, HttpMethod.Post, "/api/v1/activity_logs", Utf8("{\"action_type\":\"forged\"}"))).Status.ShouldBe(405);

        // analytics_events: DELETE is documented and works (no raw database 403).
        var ev = await t.Http.PostJsonAsync("/api/v1/analytics_events", new { event_type = "page_view" });
        ev.Status.ShouldBe(HttpStatusCode.Created, ev.Json?.ToJsonString());
        var id = ev.Json!["id"]!.GetValue<string>();
        (await t.Http.DeleteAsync2($"/api/v1/analytics_events/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await t.Http.GetJsonAsync($"/api/v1/analytics_events/{id}")).ShouldBeProblem(404);

        // A URL longer than the server serves is a 414 problem, not Kestrel's empty answer.
        var tooLong = await RawAsync(t.Http, HttpMethod.Get, "/api/v1/customers?name=" + new string('a', 9000));
        tooLong.Status.ShouldBe(414);
        tooLong.MediaType.ShouldBe("application/problem+json");

        // OpenAPI: POST /agent_sessions documents {customer_id, title}, not the generic row input.
        var doc = (await app.Client().GetJsonAsync("/openapi/v1.json")).Json!;
        var schema = doc["paths"]!["/api/v1/agent_sessions"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        schema["properties"]!.AsObject().Select(p => p.Key).Order().ShouldBe(["customer_id", "title"]);
        doc["paths"]!["/api/v1/activity_logs"]!["post"].ShouldBeNull();
    }
}
