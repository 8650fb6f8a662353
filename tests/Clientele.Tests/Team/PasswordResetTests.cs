using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

public sealed class PasswordResetTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    [Fact]
    public async Task A_reset_link_sets_a_new_password_once_and_ends_the_old_sessions()
    {
        var t = await app.SignupAsync();
        var oldSession = app.Browser();
        (await oldSession.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).Status.ShouldBe(HttpStatusCode.OK);

        using var visitor = app.Anonymous();
        var unknown = TeamFixture.NewEmail("nobody");
        var asked = await visitor.PostFormAsync("/password/forgot", new() { ["email"] = unknown });
        asked.StatusCode.ShouldBe(HttpStatusCode.OK);
        var unknownPage = await asked.Content.ReadAsStringAsync();
        app.Smtp.To(unknown).ShouldBeEmpty();

        var known = await visitor.PostFormAsync("/password/forgot", new() { ["email"] = t.Email.ToUpperInvariant() });
        known.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The same words whether or not the address has a login.
        (await known.Content.ReadAsStringAsync()).Replace(t.Email.ToUpperInvariant(), "X").ShouldContain("If X has a Clientele login");
        unknownPage.ShouldContain($"If {unknown} has a Clientele login");

        var mail = app.LastTo(t.Email);
        mail.HtmlBody!.ShouldContain("/password/reset/");
        var link = TeamFixture.LinkIn(mail, "/password/reset/");
        (await visitor.Http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var weak = await visitor.PostFormAsync(link, new() { ["password"] = "short" });
        weak.StatusCode.ShouldBe((HttpStatusCode)422);
        var done = await visitor.PostFormAsync(link, new() { ["password"] = "a brand new secret" });
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        done.Headers.Location!.ToString().ShouldBe("/login");

        using var c = app.Client();
        (await c.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await c.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = "a brand new secret" })).Status.ShouldBe(HttpStatusCode.OK);
        (await oldSession.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await visitor.Http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.Gone);
    }

    [Fact]
    public async Task A_link_older_than_an_hour_does_not_work()
    {
        var t = await app.SignupAsync();
        using var visitor = app.Anonymous();
        (await visitor.PostFormAsync("/password/forgot", new() { ["email"] = t.Email })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var link = TeamFixture.LinkIn(app.LastTo(t.Email), "/password/reset/");
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE organization_id = $1", conn))
        {
            cmd.Parameters.AddWithValue(t.OrganizationId);
            (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        (await visitor.Http.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        var late = await visitor.PostFormAsync(link, new() { ["password"] = "a brand new secret" }, formPage: "/login");
        late.StatusCode.ShouldBe(HttpStatusCode.Gone);
        using var c = app.Client();
        (await c.PostJsonAsync("/api/v1/auth/login", new { email = t.Email, password = t.Password })).Status.ShouldBe(HttpStatusCode.OK);
        (await visitor.PostFormAsync("/password/forgot", new() { ["email"] = "not an email" })).StatusCode.ShouldBe((HttpStatusCode)422);
    }
}
