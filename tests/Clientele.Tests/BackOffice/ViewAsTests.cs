using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.BackOffice;

/// <summary>Issue 14 item 1: staff view the console as a tenant user, read-only, and the organization's activity feed says so.</summary>
public sealed class ViewAsTests(BackOfficeFixture app) : IClassFixture<BackOfficeFixture>
{
    [Fact]
    public async Task Staff_view_as_a_user_reads_but_every_write_is_refused_and_the_tenant_is_told()
    {
        var t = await app.SignupAsync();
        var other = await app.SignupAsync();
        var customer = await t.Http.CreateCustomerAsync();
        var staff = await app.StaffAsync("support");
        var c = await app.StaffClientAsync(staff);
        var orgPage = $"/admin/organizations/{t.OrganizationId}";
        (await (await c.Http.GetAsync(orgPage)).Content.ReadAsStringAsync()).ShouldContain("View as");

        // Only a user of this organization.
        (await c.PostFormAsync(orgPage + "?handler=ViewAs", new() { ["user_id"] = other.UserId.ToString() }, formPage: orgPage)).StatusCode.ShouldBe((HttpStatusCode)422);
        var started = await c.PostFormAsync(orgPage + "?handler=ViewAs", new() { ["user_id"] = t.UserId.ToString() }, formPage: orgPage);
        started.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        started.Headers.Location!.ShouldPointTo("/app");

        // Reads work, as the user sees them.
        var home = await c.Http.GetAsync("/app");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain("read-only");
        (await c.Http.GetAsync($"/app/customers/{customer}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var api = await c.Http.GetJsonAsync($"/api/v1/customers/{customer}");
        api.Status.ShouldBe(HttpStatusCode.OK);

        // Writes do not, on the API or the console, whatever the user's own role (owner here).
        c.Http.DefaultRequestHeaders.Add("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority));
        var write = await c.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { name = "Changed by staff" });
        write.ShouldBeProblem(403);
        write.Json!["title"]!.GetValue<string>().ShouldBe("Read-only staff view");
        (await c.PostFormAsync("/app/support", new() { ["subject"] = "x", ["description"] = "y", ["priority"] = "low" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.CountAsync("SELECT count(*) FROM customers WHERE id = $1 AND name = 'Changed by staff'", customer)).ShouldBe(0);
        (await app.CountAsync("SELECT count(*) FROM support_tickets WHERE organization_id = $1", t.OrganizationId)).ShouldBe(0);

        // The organization is told, by name, and the staff audit has it.
        var feed = (await t.Http.GetJsonAsync("/api/v1/activity_logs?action_type=staff.viewing_as")).Json!["data"]!.AsArray();
        feed.Count.ShouldBe(1);
        feed[0]!["actor_name"]!.GetValue<string>().ShouldBe("Clientele staff (support person)");
        feed[0]!["resource_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        (await app.CountAsync("SELECT count(*) FROM admin_audit_logs WHERE admin_user_id = $1 AND action_type = 'organization.viewed_as_user' AND resource_id = $2", staff.Id, t.OrganizationId)).ShouldBe(1);

        // billing staff may not view as anyone.
        var billing = await app.StaffClientAsync(await app.StaffAsync("billing"));
        (await billing.PostFormAsync(orgPage + "?handler=ViewAs", new() { ["user_id"] = t.UserId.ToString() }, formPage: orgPage)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
