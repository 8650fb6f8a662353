using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Issue 8 item 7: only owners make owners, the last active owner stays, and users can be created with a password.</summary>
public sealed class OwnerProtectionTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<HttpClient> OwnerBrowserAsync(AppFixture.Tenant t)
    {
        var browser = app.Browser();
        (await browser.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).Status.ShouldBe(HttpStatusCode.OK);
        return browser;
    }

    [Fact]
    public async Task An_admin_key_can_neither_make_an_owner_nor_demote_or_deactivate_one()
    {
        var t = await app.SignupAsync(); // t.Http is the signup key: all scopes, so it acts as admin
        (await t.Http.PostJsonAsync("/api/v1/users", new { email = $"o-{Guid.NewGuid():N}@x.test", role = "owner" })).ShouldBeProblem(403);
        (await t.Http.PatchJsonAsync($"/api/v1/users/{t.UserId}", new { role = "viewer" })).ShouldBeProblem(403);
        (await t.Http.PatchJsonAsync($"/api/v1/users/{t.UserId}", new { is_active = false })).ShouldBeProblem(403);
        (await t.Http.DeleteAsync2($"/api/v1/users/{t.UserId}")).ShouldBeProblem(403);
        var member = await t.Http.PostJsonAsync("/api/v1/users", new { email = $"m-{Guid.NewGuid():N}@x.test", role = "member" });
        (await t.Http.PatchJsonAsync($"/api/v1/users/{member.Json!["id"]}", new { role = "owner" })).ShouldBeProblem(403);
        (await t.Http.GetJsonAsync($"/api/v1/users/{t.UserId}")).Json!["role"]!.GetValue<string>().ShouldBe("owner");
    }

    [Fact]
    public async Task The_last_active_owner_cannot_be_demoted_deactivated_or_deleted_but_one_of_two_can()
    {
        var t = await app.SignupAsync();
        var owner = await OwnerBrowserAsync(t);
        (await owner.PatchJsonAsync($"/api/v1/users/{t.UserId}", new { role = "admin" })).ShouldBeProblem(409, "role");
        (await owner.PatchJsonAsync($"/api/v1/users/{t.UserId}", new { is_active = false })).ShouldBeProblem(409, "is_active");
        (await owner.DeleteAsync2($"/api/v1/users/{t.UserId}")).ShouldBeProblem(409);

        var second = await owner.PostJsonAsync("/api/v1/users", new { email = $"o2-{Guid.NewGuid():N}@x.test", role = "owner", password = "second owner pw" });
        second.Status.ShouldBe(HttpStatusCode.Created, second.Json?.ToJsonString());
        (await owner.PatchJsonAsync($"/api/v1/users/{second.Json!["id"]}", new { role = "admin" })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.PatchJsonAsync($"/api/v1/users/{t.UserId}", new { role = "admin" })).ShouldBeProblem(409, "role"); // alone again
    }

    [Fact]
    public async Task A_user_created_with_a_password_can_sign_in_and_the_password_is_never_shown()
    {
        var t = await app.SignupAsync();
        var email = $"pw-{Guid.NewGuid():N}@x.test";
        (await t.Http.PostJsonAsync("/api/v1/users", new { email, role = "member", password = "short" })).ShouldBeProblem(422, "password");
        (await t.Http.PostJsonAsync("/api/v1/users", new { email, role = "member", password = 12345678 })).ShouldBeProblem(422, "password");
        var created = await t.Http.PostJsonAsync("/api/v1/users", new { email, role = "member", password = "a good password" });
        created.Status.ShouldBe(HttpStatusCode.Created);
        created.Json!.AsObject().ContainsKey("password").ShouldBeFalse();
        created.Json.AsObject().ContainsKey("password_hash").ShouldBeFalse();
        var me = app.Browser();
        (await me.PostJsonAsync("/api/v1/auth/login", new { email, password = "a good password" })).Status.ShouldBe(HttpStatusCode.OK);

        // An admin resets it: the old sessions end and the new password works.
        (await t.Http.PatchJsonAsync($"/api/v1/users/{created.Json["id"]}", new { password = "another good one" })).Status.ShouldBe(HttpStatusCode.OK);
        (await me.GetJsonAsync("/api/v1/me")).ShouldBeProblem(401);
        (await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email, password = "another good one" })).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Changing_ones_own_password_ends_every_other_session_and_keeps_this_one()
    {
        var t = await app.SignupAsync();
        var here = await OwnerBrowserAsync(t);
        var elsewhere = await OwnerBrowserAsync(t);
        (await here.PostJsonAsync("/api/v1/auth/password", new { current_password = "wrong one!", new_password = "a new password" })).ShouldBeProblem(422, "current_password");
        (await here.PostJsonAsync("/api/v1/auth/password", new { current_password = t.Password, new_password = "a new password" })).Status.ShouldBe(HttpStatusCode.NoContent);
        (await here.GetJsonAsync("/api/v1/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await elsewhere.GetJsonAsync("/api/v1/me")).ShouldBeProblem(401);
        (await app.Browser().PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).ShouldBeProblem(401);
    }
}
