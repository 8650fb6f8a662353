using System.Net;
using System.Text;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 8 items 1, 2 and 6: revocable sessions, CSRF on cookie writes, 415 for non-JSON, exact expiry.</summary>
public sealed class SessionSecurityTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<(HttpClient Browser, CookieContainer Cookies)> SignInAsync(string email, string password)
    {
        var cookies = new CookieContainer();
        var browser = app.Browser(cookies);
        (await browser.PostJsonAsync("/api/v1/auth/login", new { email, password })).Status.ShouldBe(HttpStatusCode.OK);
        return (browser, cookies);
    }

    /// <summary>A second browser holding a copy of the same cookie, as a thief would.</summary>
    private HttpClient Copy(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        copy.Add(cookies.GetCookies(app.BaseAddress));
        return app.Browser(copy);
    }

    private async Task<(Guid Id, string Email)> UserWithPasswordAsync(AppFixture.Tenant t, string role, string password)
    {
        var email = $"{role}-{Guid.NewGuid():N}@x.test";
        var created = await t.Http.PostJsonAsync("/api/v1/users", new { email, role, password });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        return (Guid.Parse(created.Json!["id"]!.GetValue<string>()), email);
    }

    [Fact]
    public async Task After_logout_a_copied_session_cookie_no_longer_works()
    {
        var t = await app.SignupAsync();
        var (browser, cookies) = await SignInAsync(t.Email, t.Password);
        var thief = Copy(cookies);
        (await thief.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await browser.PostJsonAsync("/api/v1/auth/logout", new { })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await thief.GetJsonAsync("/api/v1/me")).ShouldBeProblem(401);
    }

    [Fact]
    public async Task Demotion_applies_to_the_next_request_and_deactivation_ends_sessions_and_keys()
    {
        var t = await app.SignupAsync();
        var (userId, email) = await UserWithPasswordAsync(t, "admin", "admin password 1");
        var (browser, _) = await SignInAsync(email, "admin password 1");
        var key = app.Client((await browser.PostJsonAsync("/api/v1/api_keys", new { name = "mine", scopes = new[] { "read", "write", "admin" } })).Json!["key"]!.GetValue<string>());
        (await key.GetJsonAsync("/api/v1/api_keys")).Status.ShouldBe(HttpStatusCode.OK);

        (await t.Http.PatchJsonAsync($"/api/v1/users/{userId}", new { role = "viewer" })).Status.ShouldBe(HttpStatusCode.OK);
        (await browser.GetJsonAsync("/api/v1/me")).ShouldBeProblem(401); // a role change ends the sessions
        (await key.GetJsonAsync("/api/v1/api_keys")).ShouldBeProblem(403); // the key is capped at the user's new role
        (await key.PostJsonAsync("/api/v1/customers", new { email = "k@x.test" })).ShouldBeProblem(403);
        (await key.GetJsonAsync("/api/v1/me")).Json!["role"]!.GetValue<string>().ShouldBe("viewer");

        (await t.Http.PatchJsonAsync($"/api/v1/users/{userId}", new { is_active = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await key.GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
        (await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email, password = "admin password 1" })).ShouldBeProblem(401);
    }

    [Fact]
    public async Task A_revocation_made_elsewhere_reaches_this_node_through_notify()
    {
        var t = await app.SignupAsync();
        var (_, cookies) = await SignInAsync(t.Email, t.Password);
        var browser = Copy(cookies);
        var key = await app.KeyClientAsync(t, "read");
        (await browser.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK); // both lookups are now cached
        (await key.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK);

        // Another node (here: plain SQL) revokes; this node hears NOTIFY clientele_auth.
        await using (var conn = await app.OwnerAsync())
        {
            await using var sessions = new NpgsqlCommand("UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1", conn);
            sessions.Parameters.AddWithValue(t.UserId);
            (await sessions.ExecuteNonQueryAsync()).ShouldBe(1);
            await using var keys = new NpgsqlCommand("UPDATE api_keys SET revoked_at = now() WHERE organization_id = $1 AND name = 'test key'", conn);
            keys.Parameters.AddWithValue(t.OrganizationId);
            (await keys.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        var started = DateTime.UtcNow;
        await Eventually.GetAsync(async () => (await key.GetJsonAsync("/api/v1/me")).Status, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "key revoked");
        await Eventually.GetAsync(async () => (await browser.GetJsonAsync("/api/v1/me")).Status, s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1), "session revoked");
        (DateTime.UtcNow - started).ShouldBeLessThan(TimeSpan.FromSeconds(2)); // well under the 5 s cache lifetime
    }

    [Fact]
    public async Task An_expired_key_is_refused_on_the_first_request_after_its_expiry()
    {
        var t = await app.SignupAsync();
        var expires = DateTime.UtcNow.AddSeconds(2);
        var created = await t.Http.PostJsonAsync("/api/v1/api_keys", new { name = "short", scopes = new[] { "read" }, expires_at = expires });
        var key = app.Client(created.Json!["key"]!.GetValue<string>());
        (await key.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK); // cached from here on
        var wait = expires - DateTime.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        (await key.GetJsonAsync("/api/v1/me")).ShouldBeProblem(401);
    }

    [Fact]
    public async Task Cookie_writes_from_another_origin_or_as_text_are_refused()
    {
        var t = await app.SignupAsync();
        var (browser, cookies) = await SignInAsync(t.Email, t.Password);
        var body = """{"name":"stolen","scopes":["admin"]}""";

        // The attack from the report: a text/plain "simple request" from a foreign page.
        var foreign = new CookieContainer();
        foreign.Add(cookies.GetCookies(app.BaseAddress));
        var evil = new HttpClient(new HttpClientHandler { CookieContainer = foreign }) { BaseAddress = app.BaseAddress };
        evil.DefaultRequestHeaders.Add("Origin", "https://evil.example");
        (await evil.SendAsync(HttpMethod.Post, "/api/v1/api_keys", null, r => r.Content = new StringContent(body, Encoding.UTF8, "text/plain"))).ShouldBeProblem(415);
        (await evil.PostJsonAsync("/api/v1/api_keys", body)).ShouldBeProblem(403);
        (await evil.SendAsync(HttpMethod.Post, "/api/v1/api_keys", body, r => { r.Headers.Remove("Origin"); r.Headers.Add("Sec-Fetch-Site", "cross-site"); })).ShouldBeProblem(403);

        // No Origin and no Sec-Fetch-Site: not a browser, so no cookie writes.
        var script = new HttpClient(new HttpClientHandler { CookieContainer = foreign }) { BaseAddress = app.BaseAddress };
        (await script.PostJsonAsync("/api/v1/api_keys", body)).ShouldBeProblem(403);
        (await script.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK); // reads are fine

        (await t.Http.GetJsonAsync("/api/v1/api_keys")).Json!["data"]!.AsArray().Count.ShouldBe(1); // nothing was created
        (await browser.PostJsonAsync("/api/v1/api_keys", body)).Status.ShouldBe(HttpStatusCode.Created); // same origin works
        (await browser.SendAsync(HttpMethod.Post, "/api/v1/api_keys", body, r => { r.Headers.Remove("Origin"); r.Headers.Add("Sec-Fetch-Site", "same-origin"); }))
            .Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Every_json_endpoint_refuses_a_non_json_body_with_415_and_writes_nothing()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.CreateCustomerAsync();
        StringContent Text(string s) => new(s, Encoding.UTF8, "text/plain");
        foreach (var table in new[] { "contracts", "leads", "meeting_analyses", "quotes", "customers" })
            (await t.Http.SendAsync(HttpMethod.Post, $"/api/v1/{table}", null, r => r.Content = Text("{}"))).ShouldBeProblem(415);
        (await t.Http.SendAsync(HttpMethod.Patch, $"/api/v1/customers/{id}", null, r => r.Content = Text("""{"name":"changed"}"""))).ShouldBeProblem(415);
        (await t.Http.SendAsync(HttpMethod.Post, "/api/v1/signup", null, r => r.Content = new FormUrlEncodedContent([new("email", "a@b.test")]))).ShouldBeProblem(415);
        (await app.Client().SendAsync(HttpMethod.Post, "/api/v1/auth/login", null, r => r.Content = Text("{}"))).ShouldBeProblem(415);

        (await t.Http.GetJsonAsync($"/api/v1/customers/{id}")).Json!["name"]!.GetValue<string>().ShouldBe("Test Customer");
        foreach (var table in new[] { "contracts", "leads", "meeting_analyses", "quotes" })
            (await t.Http.GetJsonAsync($"/api/v1/{table}")).Json!["data"]!.AsArray().Count.ShouldBe(0, table);
        // JSON with a charset or a +json suffix is JSON.
        (await t.Http.SendAsync(HttpMethod.Patch, $"/api/v1/customers/{id}", null,
            r => r.Content = new StringContent("""{"name":"ok"}""", Encoding.UTF8, "application/merge-patch+json"))).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Forwarded_headers_are_ignored_unless_the_operator_names_the_proxy()
    {
        var t = await app.SignupAsync();
        var res = await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password },
            r => r.Headers.Add("X-Forwarded-Proto", "https"));
        res.Status.ShouldBe(HttpStatusCode.OK);
        res.Response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("clientele_session=")).ShouldNotContain("secure");
        res.Response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
    }
}
