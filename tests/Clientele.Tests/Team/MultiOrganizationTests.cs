using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

/// <summary>One login, several organizations (issue 13 item 1, migration 0116): join by invitation with the existing password, sign in, switch.</summary>
public sealed class MultiOrganizationTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    private async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var conn = await app.OwnerAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var v = await cmd.ExecuteScalarAsync();
        return v is null or DBNull ? default : (T)v;
    }

    private static async Task<List<string>> CustomerNamesAsync(HttpClient c) =>
        (await c.GetJsonAsync("/api/v1/customers?limit=200")).Json!["data"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task An_existing_user_joins_a_second_organization_with_their_password_and_switches_without_seeing_the_other_rows()
    {
        var alpha = await app.SignupAsync("Alpha Org");
        var beta = await app.SignupAsync("Beta Org");
        await alpha.Http.CreateCustomerAsync(new { name = "Alpha Only Customer" });
        await beta.Http.CreateCustomerAsync(new { name = "Beta Only Customer" });

        // Beta invites Alpha's owner: one login may now belong to several organizations.
        var invited = await beta.Http.PostJsonAsync("/api/v1/team_invitations", new { email = alpha.Email, role = "member" });
        invited.Status.ShouldBe(HttpStatusCode.Created, invited.Json?.ToJsonString());
        (await beta.Http.PostJsonAsync("/api/v1/team_invitations", new { email = beta.Email, role = "member" })).ShouldBeProblem(409, "email");
        var link = TeamFixture.LinkIn(app.LastTo(alpha.Email), "/invite/");

        using var person = app.Anonymous();
        person.Http.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        var html = await (await person.Http.GetAsync(link)).Content.ReadAsStringAsync();
        html.ShouldContain("You already sign in to Clientele");
        // A wrong password joins nobody.
        var wrong = await person.PostFormAsync(link, new() { ["password"] = "not the password" });
        wrong.StatusCode.ShouldBe((HttpStatusCode)422);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("not the password of this Clientele login");
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", alpha.Email)).ShouldBe(1);

        var joined = await person.PostFormAsync(link, new() { ["password"] = alpha.Password });
        joined.StatusCode.ShouldBe(HttpStatusCode.Redirect, await joined.Content.ReadAsStringAsync());
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1)", alpha.Email)).ShouldBe(2);
        (await ScalarAsync<long>("SELECT count(DISTINCT password_hash) FROM users WHERE lower(email) = lower($1)", alpha.Email)).ShouldBe(1);
        (await ScalarAsync<string>("SELECT role FROM users WHERE lower(email) = lower($1) AND organization_id = $2", alpha.Email, beta.OrganizationId)).ShouldBe("member");

        // Signed in to Beta now: Beta's rows only.
        var names = await CustomerNamesAsync(person.Http);
        names.ShouldContain("Beta Only Customer");
        names.ShouldNotContain("Alpha Only Customer");
        var orgs = (await person.Http.GetJsonAsync("/api/v1/auth/organizations")).Json!["data"]!.AsArray();
        orgs.Select(o => o!["name"]!.GetValue<string>()).Order().ShouldBe(["Alpha Org", "Beta Org"]);
        orgs.Single(o => o!["current"]!.GetValue<bool>())!["organization_id"]!.GetValue<string>().ShouldBe(beta.OrganizationId.ToString());

        // Switch to Alpha: Alpha's rows only, as owner there.
        var switched = await person.Http.PostJsonAsync("/api/v1/auth/switch", new { organization_id = alpha.OrganizationId });
        switched.Status.ShouldBe(HttpStatusCode.OK, switched.Json?.ToJsonString());
        switched.Json!["role"]!.GetValue<string>().ShouldBe("owner");
        names = await CustomerNamesAsync(person.Http);
        names.ShouldContain("Alpha Only Customer");
        names.ShouldNotContain("Beta Only Customer");
        (await person.Http.GetStringAsync("/api/v1/me")).ShouldContain(alpha.OrganizationId.ToString());

        // Not a member: 404, and the session stays where it was. An API key cannot switch.
        var gamma = await app.SignupAsync("Gamma Org");
        (await person.Http.PostJsonAsync("/api/v1/auth/switch", new { organization_id = gamma.OrganizationId })).ShouldBeProblem(404);
        (await person.Http.GetStringAsync("/api/v1/me")).ShouldContain(alpha.OrganizationId.ToString());
        (await alpha.Http.PostJsonAsync("/api/v1/auth/switch", new { organization_id = beta.OrganizationId })).ShouldBeProblem(403);

        // One login: a fresh sign-in opens the organization used last (Alpha), the same password works for both.
        using var fresh = app.Anonymous();
        var login = await fresh.Http.PostJsonAsync("/api/v1/auth/login", new { email = alpha.Email, password = alpha.Password });
        login.Status.ShouldBe(HttpStatusCode.OK, login.Json?.ToJsonString());
        login.Json!["organization_id"]!.GetValue<string>().ShouldBe(alpha.OrganizationId.ToString());

        // The address cannot be given to a second login by hand, in any organization.
        (await gamma.Http.PostJsonAsync("/api/v1/users", new { email = alpha.Email, role = "member", name = "Copy", password = "another long password" })).ShouldBeProblem(409, "email");
        // A new password is the login's: every organization's row gets it.
        await using (var conn = await app.OwnerAsync())
        await using (var cmd = new NpgsqlCommand("UPDATE users SET password_hash = 'changed' WHERE organization_id = $1 AND lower(email) = lower($2)", conn))
        {
            cmd.Parameters.AddWithValue(beta.OrganizationId);
            cmd.Parameters.AddWithValue(alpha.Email);
            await cmd.ExecuteNonQueryAsync();
        }
        (await ScalarAsync<long>("SELECT count(*) FROM users WHERE lower(email) = lower($1) AND password_hash = 'changed'", alpha.Email)).ShouldBe(2);
    }
}
