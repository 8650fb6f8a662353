using System.Net;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.BackOffice;

/// <summary>Issue 14: a super_admin manages staff accounts at /admin/staff (role, deactivation, two-factor re-enrolment), audited; the audit log pages.</summary>
public sealed partial class StaffAccountsTests(BackOfficeFixture app) : IClassFixture<BackOfficeFixture>
{
    private const string StaffPage = "/admin/staff";

    private static Dictionary<string, string> Login(BackOfficeFixture.Staff s, string code) =>
        new() { ["email"] = s.Email, ["password"] = BackOfficeFixture.StaffPassword, ["code"] = code };

    [Fact]
    public async Task A_super_admin_changes_a_role_deactivates_reactivates_and_reenrols_two_factor_and_each_change_is_audited()
    {
        var superAdmin = await app.StaffAsync("super_admin");
        var target = await app.StaffAsync("support");
        var boss = await app.StaffClientAsync(superAdmin);
        var them = await app.StaffClientAsync(target);
        var admin = await app.StaffClientAsync(await app.StaffAsync("admin"));
        string Act(string handler) => $"{StaffPage}?handler={handler}&id={target.Id}";

        // Only a super_admin: the page and a forged POST are refused to an admin.
        (await admin.Http.GetAsync(StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await admin.PostFormAsync(Act("Role"), new() { ["role"] = "super_admin" }, formPage: "/admin/organizations")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var page = await (await boss.Http.GetAsync(StaffPage)).Content.ReadAsStringAsync();
        page.ShouldContain(target.Email);

        // Role: a bad value is the field's message and changes nothing; a super_admin cannot change their own account.
        var bad = await boss.PostFormAsync(Act("Role"), new() { ["role"] = "owner" }, formPage: StaffPage);
        bad.StatusCode.ShouldBe((HttpStatusCode)422);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("Choose one of");
        (await boss.PostFormAsync($"{StaffPage}?handler=Role&id={superAdmin.Id}", new() { ["role"] = "support" }, formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await boss.PostFormAsync($"{StaffPage}?handler=Role&id={Guid.NewGuid()}", new() { ["role"] = "support" }, formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.CountAsync("SELECT count(*) FROM admin_users WHERE id = $1 AND admin_role = 'support'", target.Id)).ShouldBe(1);
        (await app.CountAsync("SELECT count(*) FROM admin_users WHERE id = $1 AND admin_role = 'super_admin'", superAdmin.Id)).ShouldBe(1);

        // support → billing: the next click of their open session already has the new role.
        (await them.Http.GetAsync("/admin/tickets")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await boss.PostFormAsync(Act("Role"), new() { ["role"] = "billing" }, formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await them.Http.GetAsync("/admin/tickets")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        // Deactivated: the open session ends and signing in is refused.
        (await boss.PostFormAsync(Act("Deactivate"), [], formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await boss.PostFormAsync(Act("Deactivate"), [], formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await them.Http.GetAsync("/admin/organizations")).Headers.Location!.ShouldPointTo("/admin/login");
        (await app.Cookies().PostFormAsync("/admin/login", Login(target, BackOfficeFixture.Code(target, 1)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // Reactivated: signing in works again (the next time step: the current one was used).
        (await boss.PostFormAsync(Act("Reactivate"), [], formPage: StaffPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var again = app.Cookies();
        (await again.PostFormAsync("/admin/login", Login(target, BackOfficeFixture.Code(target, 1)))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Re-enrolled: the new secret is shown once, the old one stops working, the new one signs in.
        var reenrol = await boss.PostFormAsync(Act("Reenrol"), [], formPage: StaffPage);
        reenrol.StatusCode.ShouldBe(HttpStatusCode.OK);
        var secret = SecretCell().Match(await reenrol.Content.ReadAsStringAsync()).Groups[1].Value;
        secret.ShouldNotBeNullOrEmpty();
        secret.ShouldNotBe(target.Secret);
        (await (await boss.Http.GetAsync(StaffPage)).Content.ReadAsStringAsync()).ShouldNotContain(secret);
        (await app.Cookies().PostFormAsync("/admin/login", Login(target, BackOfficeFixture.Code(target, -1)))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var renewed = target with { Secret = secret };
        (await app.Cookies().PostFormAsync("/admin/login", Login(renewed, BackOfficeFixture.Code(renewed)))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        foreach (var action in new[] { "staff.role_changed", "staff.deactivated", "staff.reactivated", "staff.totp_reenrolled" })
            (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND resource_id = $2 AND action_type = $3", superAdmin.Id, target.Id, action))
                .ShouldBe(1, action);
        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE resource_id = $1 AND action_type = 'staff.role_changed' AND details->>'from' = 'support' AND details->>'to' = 'billing'", target.Id))
            .ShouldBe(1);
        // The app role still cannot change a role by itself: only through the super_admin's staff transaction.
        await using var appRole = await app.AppRoleAsync();
        var direct = new Npgsql.NpgsqlCommand($"UPDATE admin_users SET admin_role = 'super_admin' WHERE id = '{target.Id}'", appRole);
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => direct.ExecuteNonQueryAsync())).SqlState.ShouldBe(Npgsql.PostgresErrorCodes.InsufficientPrivilege);
        var noStaff = new Npgsql.NpgsqlCommand($"SELECT clientele_staff_update('{target.Id}', 'super_admin', NULL)", appRole);
        (await Should.ThrowAsync<Npgsql.PostgresException>(() => noStaff.ExecuteNonQueryAsync())).SqlState.ShouldBe("CL403");
    }

    [Fact]
    public async Task The_audit_log_pages_by_key_and_filters_by_action()
    {
        var staff = await app.StaffAsync("super_admin");
        var client = await app.StaffClientAsync(staff);
        var action = "test.paging_" + Guid.NewGuid().ToString("N")[..8];
        await using (var appRole = await app.AppRoleAsync())
            for (var i = 0; i < 55; i++)
                await new Npgsql.NpgsqlCommand(
                    $"INSERT INTO admin_audit_logs (id, admin_user_id, action_type, ip_address, details) VALUES ('{Guid.CreateVersion7()}', '{staff.Id}', '{action}', '10.0.0.1', '{{\"n\": {i}}}')",
                    appRole).ExecuteNonQueryAsync();

        var first = await (await client.Http.GetAsync($"/admin/audit?action={action}")).Content.ReadAsStringAsync();
        Cells(first, action).ShouldBe(50);
        first.ShouldContain("{&quot;n&quot;: 54}"); // newest first
        first.ShouldNotContain("{&quot;n&quot;: 4}");
        var older = OlderLink().Match(first);
        older.Success.ShouldBeTrue();
        var second = await (await client.Http.GetAsync(WebUtility.HtmlDecode(older.Groups[1].Value))).Content.ReadAsStringAsync();
        Cells(second, action).ShouldBe(5);
        second.ShouldContain("{&quot;n&quot;: 4}");
        second.ShouldContain("{&quot;n&quot;: 0}");
        OlderLink().IsMatch(second).ShouldBeFalse();
        // Unfiltered, the page holds other actions too (the sign-in above).
        (await (await client.Http.GetAsync("/admin/audit")).Content.ReadAsStringAsync()).ShouldContain("staff.signed_in");
    }

    private static int Cells(string html, string action) => Regex.Count(html, $"<td class=\"mono\">{Regex.Escape(action)}</td>");

    [GeneratedRegex("data-testid=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex SecretCell();

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\">")]
    private static partial Regex OlderLink();
}
