using System.Net;
using Clientele.Tests.Console;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

/// <summary>The /app/team page's handlers over HTTP with a signed-in cookie (the browser test is in Console/TeamConsoleTests).</summary>
public sealed class TeamPageTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    private const string Password = "a long enough secret";

    private async Task<CookieClient> SignedInAsync(string email, string password)
    {
        var c = app.Anonymous();
        var res = await c.PostFormAsync("/login", new() { ["email"] = email, ["password"] = password });
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return c;
    }

    private async Task<Guid> UserAsync(AppFixture.Tenant t, string role, string email)
    {
        var user = await t.Http.PostJsonAsync("/api/v1/users", new { email, role, name = $"{role} person", password = Password });
        user.Status.ShouldBe(HttpStatusCode.Created, user.Json?.ToJsonString());
        return Guid.Parse(user.Json!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admins_invite_deactivate_and_reactivate_from_the_page_and_the_last_owner_stays()
    {
        var t = await app.SignupAsync();
        using var owner = await SignedInAsync(t.Email, t.Password);
        var email = TeamFixture.NewEmail();
        var invited = await owner.PostFormAsync("/app/team?handler=invite", new() { ["InviteEmail"] = email, ["InviteRole"] = "viewer" }, formPage: "/app/team");
        invited.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        app.Smtp.To(email).Count().ShouldBe(1);
        var page = await (await owner.Http.GetAsync("/app/team")).Content.ReadAsStringAsync();
        page.ShouldContain(email);
        page.ShouldContain("Invitation sent to");

        var bad = await owner.PostFormAsync("/app/team?handler=invite", new() { ["InviteEmail"] = "nope", ["InviteRole"] = "viewer" }, formPage: "/app/team");
        bad.StatusCode.ShouldBe((HttpStatusCode)422);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("The email must be a valid email address.");

        var memberEmail = TeamFixture.NewEmail("member");
        var member = await UserAsync(t, "member", memberEmail);
        using (await SignedInAsync(memberEmail, Password)) { }
        var off = await owner.PostFormAsync("/app/team?handler=active", new() { ["UserId"] = member.ToString(), ["Active"] = "false" }, formPage: "/app/team");
        off.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var c = app.Client())
            (await c.PostJsonAsync("/api/v1/auth/login", new { email = memberEmail, password = Password })).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var on = await owner.PostFormAsync("/app/team?handler=active", new() { ["UserId"] = member.ToString(), ["Active"] = "true" }, formPage: "/app/team");
        on.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var c = app.Client())
            (await c.PostJsonAsync("/api/v1/auth/login", new { email = memberEmail, password = Password })).Status.ShouldBe(HttpStatusCode.OK);

        // The last owner: another admin can neither deactivate nor remove them, and they cannot demote themselves.
        var adminEmail = TeamFixture.NewEmail("admin");
        await UserAsync(t, "admin", adminEmail);
        using var admin = await SignedInAsync(adminEmail, Password);
        var demote = await owner.PostFormAsync("/app/team?handler=role", new() { ["UserId"] = t.UserId.ToString(), ["Role"] = "admin" }, formPage: "/app/team");
        demote.StatusCode.ShouldBe((HttpStatusCode)422);
        (await demote.Content.ReadAsStringAsync()).ShouldContain("last active owner");
        var removeOwner = await admin.PostFormAsync("/app/team?handler=remove", new() { ["UserId"] = t.UserId.ToString() }, formPage: "/app/team");
        removeOwner.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("SELECT role || ':' || is_active || ':' || (deleted_at IS NULL) FROM users WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.UserId);
            (await cmd.ExecuteScalarAsync()).ShouldBe("owner:true:true");
        }

        // Removal: the member is gone from the list and cannot sign in.
        var removed = await owner.PostFormAsync("/app/team?handler=remove", new() { ["UserId"] = member.ToString() }, formPage: "/app/team");
        removed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await (await owner.Http.GetAsync("/app/team")).Content.ReadAsStringAsync()).ShouldNotContain(memberEmail);
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("SELECT string_agg(action_type, ',') FROM activity_logs WHERE organization_id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            var feed = (string)(await cmd.ExecuteScalarAsync())!;
            feed.ShouldContain("user.deactivated");
            feed.ShouldContain("user.reactivated");
            feed.ShouldContain("user.removed");
        }
    }
}
