using System.Net;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests.BackOffice;

/// <summary>Issue 14 item 1: the /admin realm signs in staff only (password + TOTP), enforces roles, and keeps an append-only audit trail with IPs.</summary>
public sealed class StaffRealmTests(BackOfficeFixture app) : IClassFixture<BackOfficeFixture>
{
    /// <summary>The test host's CLIENTELE_HOME (its key ring certificate): the CLI on the same node protects the TOTP secret with the same keys.</summary>
    private static readonly string SameHome = Path.GetFullPath(".clientele");

    [Fact]
    public async Task Staff_sign_in_needs_the_password_and_a_current_code_that_works_once()
    {
        var staff = await app.StaffAsync("support");
        var anon = app.Cookies();
        (await anon.Http.GetAsync("/admin/organizations")).Headers.Location!.ShouldPointTo("/admin/login");

        var wrongCode = await anon.PostFormAsync("/admin/login", new() { ["email"] = staff.Email, ["password"] = BackOfficeFixture.StaffPassword, ["code"] = BackOfficeFixture.Code(staff, -10) });
        wrongCode.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await wrongCode.Content.ReadAsStringAsync()).ShouldContain("The email, password or code is wrong.");
        var wrongPassword = await anon.PostFormAsync("/admin/login", new() { ["email"] = staff.Email, ["password"] = "not the password", ["code"] = BackOfficeFixture.Code(staff) });
        wrongPassword.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var noCode = await anon.PostFormAsync("/admin/login", new() { ["email"] = staff.Email, ["password"] = BackOfficeFixture.StaffPassword, ["code"] = "" });
        noCode.StatusCode.ShouldBe((HttpStatusCode)422);
        (await anon.Http.GetAsync("/admin/organizations")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var tenant = await app.SignupAsync("Visible Org " + Guid.NewGuid().ToString("N")[..6]);
        var code = BackOfficeFixture.Code(staff);
        var signedIn = await anon.PostFormAsync("/admin/login", new() { ["email"] = staff.Email, ["password"] = BackOfficeFixture.StaffPassword, ["code"] = code });
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.ShouldPointTo("/admin");
        var list = await anon.Http.GetAsync("/admin/organizations?q=" + Uri.EscapeDataString("Visible Org"));
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await list.Content.ReadAsStringAsync()).ShouldContain($"/admin/organizations/{tenant.OrganizationId}");

        // The same code a second time (another browser, same 30 s window) is refused: codes are single-use.
        var replay = await app.Cookies().PostFormAsync("/admin/login", new() { ["email"] = staff.Email, ["password"] = BackOfficeFixture.StaffPassword, ["code"] = code });
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND action_type = 'staff.sign_in_failed'", staff.Id)).ShouldBe(3);
        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND action_type = 'staff.signed_in' AND ip_address = '127.0.0.1'::inet", staff.Id)).ShouldBe(1);
        (await app.CountAsync("SELECT count(*) FROM admin_users WHERE id = $1 AND last_login_at IS NOT NULL", staff.Id)).ShouldBe(1);

        // Signing out ends the staff session.
        (await anon.PostFormAsync("/admin/logout", [], formPage: "/admin/organizations")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await anon.Http.GetAsync("/admin/organizations")).Headers.Location!.ShouldPointTo("/admin/login");
    }

    [Fact]
    public async Task A_tenant_session_or_api_key_is_refused_at_admin_and_a_staff_cookie_is_nothing_to_the_api()
    {
        var t = await app.SignupAsync();
        var console = await app.TenantConsoleAsync(t);
        (await console.Http.GetAsync("/app")).StatusCode.ShouldBe(HttpStatusCode.OK); // the tenant session is real
        foreach (var path in new[] { "/admin", "/admin/organizations", $"/admin/organizations/{t.OrganizationId}", "/admin/audit" })
        {
            var res = await console.Http.GetAsync(path);
            res.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            res.Headers.Location!.ShouldPointTo("/admin/login", path);
        }
        using var keyed = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        keyed.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", t.ApiKey);
        (await keyed.GetAsync("/api/v1/customers")).StatusCode.ShouldBe(HttpStatusCode.OK); // the key is real
        var refused = await keyed.GetAsync("/admin/organizations");
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.ShouldPointTo("/admin/login");
        // A forged POST with the tenant's session does nothing either.
        var forged = await console.PostFormAsync($"/admin/organizations/{t.OrganizationId}?handler=Suspend", new() { ["reason"] = "x" }, formPage: "/app");
        ((int)forged.StatusCode).ShouldBeOneOf(302, 400);
        (await app.CountAsync("SELECT count(*) FROM organizations WHERE id = $1 AND suspended_at IS NOT NULL", t.OrganizationId)).ShouldBe(0);

        // The staff cookie is scoped to /admin: the API does not know it.
        var staff = await app.StaffClientAsync(await app.StaffAsync("super_admin"));
        (await staff.Http.GetAsync("/api/v1/customers")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await staff.Http.GetAsync("/app")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Roles_are_enforced_per_page_and_per_action()
    {
        var t = await app.SignupAsync();
        var support = await app.StaffClientAsync(await app.StaffAsync("support"));
        var billing = await app.StaffClientAsync(await app.StaffAsync("billing"));
        var readOnly = await app.StaffClientAsync(await app.StaffAsync("read_only"));
        var super = await app.StaffClientAsync(await app.StaffAsync("super_admin"));
        var orgPage = $"/admin/organizations/{t.OrganizationId}";

        foreach (var c in new[] { support, billing, readOnly, super }) (await c.Http.GetAsync(orgPage)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await support.Http.GetAsync("/admin/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await billing.Http.GetAsync("/admin/audit")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await super.Http.GetAsync("/admin/audit")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // support and read_only may not suspend, even with a forged POST; the page shows them no form.
        (await (await support.Http.GetAsync(orgPage)).Content.ReadAsStringAsync()).ShouldNotContain("handler=Suspend");
        (await support.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = "unpaid" }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await readOnly.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = "unpaid" }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.CountAsync("SELECT count(*) FROM organizations WHERE id = $1 AND suspended_at IS NOT NULL", t.OrganizationId)).ShouldBe(0);

        // billing may; a missing reason re-renders the form with the field's message and changes nothing.
        var noReason = await billing.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = "  " }, formPage: orgPage);
        noReason.StatusCode.ShouldBe((HttpStatusCode)422);
        (await noReason.Content.ReadAsStringAsync()).ShouldContain("Say why");
        (await app.CountAsync("SELECT count(*) FROM organizations WHERE id = $1 AND suspended_at IS NOT NULL", t.OrganizationId)).ShouldBe(0);
        (await billing.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = "Unpaid invoice" }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await billing.PostFormAsync(orgPage + "?handler=Suspend", new() { ["reason"] = "Again" }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await app.CountAsync("SELECT count(*) FROM organizations WHERE id = $1 AND suspended_reason = 'Unpaid invoice'", t.OrganizationId)).ShouldBe(1);
        (await billing.PostFormAsync(orgPage + "?handler=Unsuspend", [], formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var audit = await (await super.Http.GetAsync("/admin/audit")).Content.ReadAsStringAsync();
        audit.ShouldContain("organization.suspended");
        audit.ShouldContain("organization.unsuspended");
    }

    [Fact]
    public async Task The_staff_audit_log_is_append_only_for_every_role()
    {
        var staff = await app.StaffAsync("admin");
        await app.StaffClientAsync(staff);
        await using var appRole = await app.AppRoleAsync();
        var insert = new NpgsqlCommand($"INSERT INTO admin_audit_logs (id, admin_user_id, action_type, ip_address) VALUES ('{Guid.CreateVersion7()}', '{staff.Id}', 'test.entry', '10.0.0.1')", appRole);
        (await insert.ExecuteNonQueryAsync()).ShouldBe(1);
        var update = new NpgsqlCommand($"UPDATE admin_audit_logs SET action_type = 'rewritten' WHERE admin_user_id = '{staff.Id}'", appRole);
        (await Should.ThrowAsync<PostgresException>(() => update.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        var delete = new NpgsqlCommand($"DELETE FROM admin_audit_logs WHERE admin_user_id = '{staff.Id}'", appRole);
        (await Should.ThrowAsync<PostgresException>(() => delete.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        // Even the owner (migrations, CLI) cannot rewrite history: the trigger refuses.
        await using var owner = await app.OwnerAsync();
        foreach (var sql in new[] { $"UPDATE admin_audit_logs SET details = '{{}}' WHERE admin_user_id = '{staff.Id}'", $"DELETE FROM admin_audit_logs WHERE admin_user_id = '{staff.Id}'", "TRUNCATE admin_audit_logs CASCADE" })
            (await Should.ThrowAsync<PostgresException>(() => new NpgsqlCommand(sql, owner).ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, sql);
        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND action_type IN ('staff.created', 'staff.signed_in', 'test.entry')", staff.Id)).ShouldBe(3);
        // The app role cannot add staff or change their password either.
        var addStaff = new NpgsqlCommand($"INSERT INTO admin_users (id, email, password_hash, full_name, admin_role) VALUES ('{Guid.CreateVersion7()}', 'x@y.z', 'h', 'X', 'super_admin')", appRole);
        (await Should.ThrowAsync<PostgresException>(() => addStaff.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
        var password = new NpgsqlCommand($"UPDATE admin_users SET password_hash = 'h' WHERE id = '{staff.Id}'", appRole);
        (await Should.ThrowAsync<PostgresException>(() => password.ExecuteNonQueryAsync())).SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Fact]
    public async Task Create_admin_on_the_command_line_prints_the_two_factor_secret_once_and_refuses_bad_input()
    {
        var email = $"cli-{Guid.NewGuid():N}@clientele.test";
        var run = await CliTests.RunInAsync(app.OwnerConnectionString, SameHome, "create-admin", "--email", email, "--name", "Cleo Staff", "--role", "support", "--password", "a long staff password");
        run.Code.ShouldBe(0, run.Output);
        run.Output.ShouldContain("otpauth://totp/");
        var secret = System.Text.RegularExpressions.Regex.Match(run.Output, @"Secret:\s+([A-Z2-7]+)").Groups[1].Value;
        secret.ShouldNotBeEmpty(run.Output);
        var c = app.Cookies();
        var signIn = await c.PostFormAsync("/admin/login", new() { ["email"] = email, ["password"] = "a long staff password", ["code"] = Modules.BackOffice.StaffTwoFactor.CodeFor(secret, DateTime.UtcNow) });
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());

        (await CliTests.RunInAsync(app.OwnerConnectionString, SameHome, "create-admin", "--email", email, "--name", "Again", "--role", "support", "--password", "a long staff password")).Code.ShouldBe(1);
        var bad = await CliTests.RunInAsync(app.OwnerConnectionString, SameHome, "create-admin", "--email", "nope", "--name", "X", "--role", "god", "--password", "short");
        bad.Code.ShouldBe(2);
        bad.Output.ShouldContain("--role must be one of");
        (await app.CountAsync("SELECT count(*) FROM admin_users WHERE lower(email) IN (lower($1), 'nope')", email)).ShouldBe(1);
    }
}
