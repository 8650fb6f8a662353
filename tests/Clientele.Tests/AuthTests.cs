using System.Net;
using System.Net.Http.Json;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

public sealed class AuthTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task No_or_bad_credentials_are_401()
    {
        (await app.Client().GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
        (await app.Client("clt_live_" + new string('a', 40)).GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
        (await app.Client("not-a-key").GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
    }

    [Fact]
    public async Task Signup_returns_the_key_once_and_validates()
    {
        var t = await app.SignupAsync("Acme Support");
        t.ApiKey.ShouldStartWith("clt_live_");
        var me = await t.Http.GetJsonAsync("/api/v1/me");
        me.Json!["organization"]!["name"]!.GetValue<string>().ShouldBe("Acme Support");
        me.Json["role"]!.GetValue<string>().ShouldBe("admin");

        var keys = await t.Http.GetJsonAsync("/api/v1/api_keys");
        var key = keys.Json!["data"]![0]!;
        key.AsObject().ContainsKey("key").ShouldBeFalse();
        key.AsObject().ContainsKey("key_hash").ShouldBeFalse();
        t.ApiKey.ShouldStartWith(key["prefix"]!.GetValue<string>());

        var anon = app.Client();
        (await anon.PostJsonAsync("/api/v1/signup", new { organization_name = "", name = "x", email = "bad", password = "short" })).ShouldBeProblem(422, "email");
        // An existing email is not revealed (Signup:ExistingEmail=conceal): the same 201 shape, a key that opens nothing.
        var dup = await anon.PostJsonAsync("/api/v1/signup", new { organization_name = "Dup", name = "x", email = t.Email.ToUpperInvariant(), password = "long enough pw" });
        dup.Status.ShouldBe(HttpStatusCode.Created);
        var real = await t.Http.GetJsonAsync($"/api/v1/users/{t.UserId}");
        dup.Json!["user"]!.AsObject().Select(p => p.Key).ShouldBe(real.Json!.AsObject().Select(p => p.Key));
        (await app.Client(dup.Json["api_key"]!["key"]!.GetValue<string>()).GetJsonAsync("/api/v1/me")).ShouldBeProblem(401);
        dup.Response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        (await anon.PostJsonAsync("/api/v1/signup", new { organization_name = "X", name = "x", email = "ok@x.test", password = "long enough pw", plan = "enterprise" })).ShouldBeProblem(422, "plan");
    }

    [Fact]
    public async Task Read_only_keys_cannot_write_and_revoked_keys_stop_working()
    {
        var t = await app.SignupAsync();
        var reader = await app.KeyClientAsync(t, "read");
        (await reader.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
        (await reader.PostJsonAsync("/api/v1/customers", new { email = "r@x.test" })).ShouldBeProblem(403);
        var id = await t.Http.CreateCustomerAsync();
        (await reader.PatchJsonAsync($"/api/v1/customers/{id}", new { name = "x" })).ShouldBeProblem(403);
        (await reader.DeleteAsync2($"/api/v1/customers/{id}")).ShouldBeProblem(403);
        (await reader.GetJsonAsync("/api/v1/api_keys")).ShouldBeProblem(403);

        var res = await t.Http.PostAsJsonAsync("/api/v1/api_keys", new { name = "temp", scopes = new[] { "read" } });
        var created = (await res.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonNode>())!;
        var temp = app.Client(created["key"]!.GetValue<string>());
        (await temp.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.PostJsonAsync($"/api/v1/api_keys/{created["id"]}/revoke", new { })).Json!["revoked_at"].ShouldNotBeNull();
        (await temp.GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
        (await t.Http.PostJsonAsync("/api/v1/api_keys", new { name = "x", scopes = new[] { "superuser" } })).ShouldBeProblem(422, "scopes");
    }

    [Fact]
    public async Task Password_login_sets_a_session_and_is_audited()
    {
        var t = await app.SignupAsync();
        var browser = app.Browser();
        (await browser.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = "wrong password" })).ShouldBeProblem(401);
        (await browser.GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
        var ok = await browser.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password });
        ok.Status.ShouldBe(HttpStatusCode.OK);
        (await browser.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
        var me = await browser.GetJsonAsync("/api/v1/me");
        me.Json!["user_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        me.Json["actor_type"]!.GetValue<string>().ShouldBe("user");

        var logins = await t.Http.GetJsonAsync($"/api/v1/audit_logs?action=login&entity_id={t.UserId}");
        logins.Json!["data"]!.AsArray().Count.ShouldBe(1);
        logins.Json["data"]![0]!["ip_address"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        (await browser.PostJsonAsync("/api/v1/auth/logout", new { })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await browser.GetJsonAsync("/api/v1/customers")).ShouldBeProblem(401);
    }

    [Fact]
    public async Task Viewer_users_cannot_write()
    {
        var t = await app.SignupAsync();
        var email = $"viewer-{Guid.NewGuid():N}@x.test";
        var created = await t.Http.PostJsonAsync("/api/v1/users", new { email, role = "viewer" });
        created.Status.ShouldBe(HttpStatusCode.Created);
        // Give the viewer a password through the database (invitations come later) and sign in.
        await using (var conn = await app.OwnerAsync())
        {
            var hash = new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), "viewer password");
            await using var cmd = new Npgsql.NpgsqlCommand("UPDATE users SET password_hash = $1 WHERE email = $2", conn);
            cmd.Parameters.AddWithValue(hash);
            cmd.Parameters.AddWithValue(email);
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        var browser = app.Browser();
        (await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "viewer password" })).Status.ShouldBe(HttpStatusCode.OK);
        (await browser.GetJsonAsync("/api/v1/customers")).Status.ShouldBe(HttpStatusCode.OK);
        (await browser.PostJsonAsync("/api/v1/customers", new { email = "v@x.test" })).ShouldBeProblem(403);
    }
}
