using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

public sealed class InvitationTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    private async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    [Fact]
    public async Task An_invitee_accepts_from_the_emailed_link_and_signs_in_with_the_role()
    {
        var t = await app.SignupAsync("Acme Team");
        var email = TeamFixture.NewEmail();
        var created = await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email, role = "member" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        created.Json!["status"]!.GetValue<string>().ShouldBe("pending");
        created.Json.AsObject().ContainsKey("token").ShouldBeFalse();
        var id = Guid.Parse(created.Json["id"]!.GetValue<string>());
        (DateTime.Parse(created.Json["expires_at"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal) - DateTime.UtcNow)
            .TotalDays.ShouldBeInRange(6.9, 7.01);

        var mail = app.LastTo(email);
        mail.Subject!.ShouldContain("Acme Team");
        mail.HtmlBody!.ShouldContain("/invite/");
        mail.Headers["Auto-Submitted"].ShouldBe("auto-generated");
        var link = TeamFixture.LinkIn(mail, "/invite/");
        var token = link["/invite/".Length..];
        // Only the hash is stored: the emailed token is nowhere in the table.
        var stored = await ScalarAsync<string>("SELECT token FROM team_invitations WHERE id = $1", id);
        stored.ShouldNotBe(token);
        stored!.Length.ShouldBe(64);

        using var invitee = app.Anonymous();
        var page = await invitee.Http.GetAsync(link);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("Join Acme Team");
        html.ShouldContain(email);

        var weak = await invitee.PostFormAsync(link, new() { ["name"] = "Ines Ferreira", ["password"] = "short" });
        weak.StatusCode.ShouldBe((HttpStatusCode)422);
        (await weak.Content.ReadAsStringAsync()).ShouldContain("8 to 200 characters");
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email)).ShouldBe(0);

        var joined = await invitee.PostFormAsync(link, new() { ["name"] = "Ines Ferreira", ["password"] = "a long enough secret" });
        joined.StatusCode.ShouldBe(HttpStatusCode.Redirect, await joined.Content.ReadAsStringAsync());
        joined.Headers.Location!.ToString().ShouldBe("/app");
        var me = await invitee.Http.GetAsync("/api/v1/me");
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await me.Content.ReadAsStringAsync()).ShouldContain("\"member\"");

        using var fresh = app.Client();
        var login = await fresh.PostJsonAsync("/api/v1/auth/login", new { email, password = "a long enough secret" });
        login.Status.ShouldBe(HttpStatusCode.OK, login.Json?.ToJsonString());
        (await ScalarAsync<string>("SELECT role FROM users WHERE lower(email) = lower($1) AND organization_id = $2", email, t.OrganizationId)).ShouldBe("member");
        (await t.Http.GetJsonAsync($"/api/v1/team_invitations/{id}")).Json!["status"]!.GetValue<string>().ShouldBe("accepted");

        // Once: the same link now says it was used, and makes nobody.
        using var again = app.Anonymous();
        (await again.Http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email)).ShouldBe(1);
        var actions = await ScalarAsync<string>("SELECT string_agg(action_type, ',' ORDER BY created_at) FROM activity_logs WHERE organization_id = $1", t.OrganizationId);
        actions!.ShouldContain("invitation.sent");
        actions!.ShouldContain("invitation.accepted");
    }

    [Fact]
    public async Task Expired_revoked_and_resent_links_behave_and_make_no_user()
    {
        var t = await app.SignupAsync();
        var expiredEmail = TeamFixture.NewEmail("late");
        var expired = await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = expiredEmail, role = "viewer" });
        var expiredLink = TeamFixture.LinkIn(app.LastTo(expiredEmail), "/invite/");
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE team_invitations SET expires_at = now() - interval '1 minute' WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(Guid.Parse(expired.Json!["id"]!.GetValue<string>()));
            await cmd.ExecuteNonQueryAsync();
        }
        using var visitor = app.Anonymous();
        var gone = await visitor.Http.GetAsync(expiredLink);
        gone.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await gone.Content.ReadAsStringAsync()).ShouldContain("expired");

        // Resend: a new link and 7 days; the old link stays dead.
        var resent = await t.Http.PostJsonAsync($"/api/v1/team_invitations/{expired.Json!["id"]}/resend", new { });
        resent.Status.ShouldBe(HttpStatusCode.OK, resent.Json?.ToJsonString());
        var newLink = TeamFixture.LinkIn(app.LastTo(expiredEmail), "/invite/");
        newLink.ShouldNotBe(expiredLink);
        (await visitor.Http.GetAsync(expiredLink)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await visitor.Http.GetAsync(newLink)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Revoke: the link stops working at once, and revoking an accepted one is refused.
        var revoked = await t.Http.PostJsonAsync($"/api/v1/team_invitations/{expired.Json!["id"]}/revoke", new { });
        revoked.Status.ShouldBe(HttpStatusCode.OK);
        revoked.Json!["status"]!.GetValue<string>().ShouldBe("revoked");
        var refused = await visitor.PostFormAsync(newLink, new() { ["name"] = "Late Comer", ["password"] = "a long enough secret" }, formPage: "/login");
        refused.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", expiredEmail)).ShouldBe(0);
        (await visitor.Http.GetAsync("/invite/not-a-token")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_invitations_are_clear_problems_and_change_nothing()
    {
        var t = await app.SignupAsync();
        var before = app.Smtp.Messages.Count;
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = "not-an-email", role = "member" })).ShouldBeProblem(422, "email");
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "owner" })).ShouldBeProblem(422, "role");
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "boss" })).ShouldBeProblem(422, "role");
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = t.Email, role = "member" })).ShouldBeProblem(409, "email");
        var other = await app.SignupAsync(); // its address is invitable since migration 0116 (MultiOrganizationTests)
        var twice = TeamFixture.NewEmail();
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = twice, role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = twice.ToUpperInvariant(), role = "admin" })).ShouldBeProblem(409, "email");
        app.Smtp.Messages.Count.ShouldBe(before + 1);

        // The generic resource write is closed: a client cannot choose the token.
        var generic = await t.Http.PatchJsonAsync($"/api/v1/team_invitations/{Guid.NewGuid()}", new { status = "accepted" });
        ((int)generic.Status).ShouldBeOneOf(403, 404, 405);

        // Only admins and owners invite; another tenant cannot touch our invitations.
        var memberKey = await MemberKeyAsync(t, "viewer");
        (await memberKey.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "viewer" })).Status.ShouldBe(HttpStatusCode.Forbidden);
        var mine = (await t.Http.GetJsonAsync("/api/v1/team_invitations")).Json!["data"]!.AsArray().Single()!["id"]!.GetValue<string>();
        (await other.Http.PostJsonAsync($"/api/v1/team_invitations/{mine}/revoke", new { })).Status.ShouldBe(HttpStatusCode.NotFound);
        (await t.Http.GetJsonAsync($"/api/v1/team_invitations/{mine}")).Json!["status"]!.GetValue<string>().ShouldBe("pending");
    }

    [Fact]
    public async Task The_seat_limit_counts_pending_invitations_and_refuses_with_402()
    {
        var t = await app.SignupAsync();
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE organizations SET max_users = 2 WHERE id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        var first = await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "member" });
        first.Status.ShouldBe(HttpStatusCode.Created);
        // Invitations only: the owner's plan-limit notice (100% of seats) is emailed too, in its own time.
        int Invitations() => app.Smtp.Messages.Count(m => !m.RcptTo.Contains(t.Email, StringComparer.OrdinalIgnoreCase));
        var sent = Invitations();
        var full = await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "member" });
        full.ShouldBeProblem(402);
        full.Json!["limit"]!.GetValue<string>().ShouldBe("max_users");
        Invitations().ShouldBe(sent);
        (await ScalarAsync<long>("SELECT count(*) FROM team_invitations WHERE organization_id = $1", t.OrganizationId)).ShouldBe(1);

        // Revoking frees the seat.
        (await t.Http.PostJsonAsync($"/api/v1/team_invitations/{first.Json!["id"]}/revoke", new { })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email = TeamFixture.NewEmail(), role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_relay_that_refuses_the_email_leaves_no_invitation()
    {
        var t = await app.SignupAsync();
        var email = TeamFixture.NewEmail("bounce");
        app.Smtp.FailNext(1, 550, email);
        var refused = await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email, role = "member" });
        refused.ShouldBeProblem(422, "email");
        refused.Json!["errors"]!["email"]![0]!.GetValue<string>().ShouldContain("550");
        (await ScalarAsync<long>("SELECT count(*) FROM team_invitations WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);
        (await t.Http.PostJsonAsync("/api/v1/team_invitations", new { email, role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
    }

    private async Task<HttpClient> MemberKeyAsync(AppFixture.Tenant t, string role)
    {
        var email = TeamFixture.NewEmail(role);
        var user = await t.Http.PostJsonAsync("/api/v1/users", new { email, role, name = "Vic Viewer", password = "a long enough secret" });
        user.Status.ShouldBe(HttpStatusCode.Created, user.Json?.ToJsonString());
        var browser = app.Browser();
        (await browser.PostJsonAsync("/api/v1/auth/login", new { email, password = "a long enough secret" })).Status.ShouldBe(HttpStatusCode.OK);
        return browser;
    }
}
