using System.Net;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Success;

/// <summary>Issue 11 item 10: account plans drafted, submitted and approved by admins, one per customer and fiscal year.</summary>
public sealed class AccountPlanTests(HealthFixture app) : IClassFixture<HealthFixture>
{
    [Fact]
    public async Task A_plan_goes_draft_submitted_approved_by_an_admin_and_each_step_refuses_the_wrong_state()
    {
        var t = await app.SignupAsync();
        var member = await app.KeyClientAsync(t, "read", "write");
        var viewer = await app.KeyClientAsync(t, "read");
        var customer = await t.Http.CreateCustomerAsync(new { name = "Planned Co" });

        // status and approval are not the API's to write: a plan starts as a draft.
        var forged = await member.PostJsonAsync("/api/v1/account_plans", new { customer_id = customer, fiscal_year = "FY2027", status = "approved", approved_by = t.UserId });
        forged.ShouldBeProblem(422, "status");
        forged.Json!["errors"]!["approved_by"].ShouldNotBeNull();
        (await t.Http.GetJsonAsync("/api/v1/account_plans")).Json!["data"]!.AsArray().ShouldBeEmpty();

        var created = await member.PostJsonAsync("/api/v1/account_plans", new { customer_id = customer, fiscal_year = "FY2027" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        var id = created.Json!["id"]!.GetValue<string>();
        created.Json["status"]!.GetValue<string>().ShouldBe("draft");
        // One per customer and fiscal year.
        (await member.PostJsonAsync("/api/v1/account_plans", new { customer_id = customer, fiscal_year = "FY2027" })).ShouldBeProblem(409);

        // Submitting needs objectives; approving needs a submitted plan.
        (await member.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { })).ShouldBeProblem(422, "strategic_objectives");
        (await t.Http.PostJsonAsync($"/api/v1/account_plans/{id}/approve", new { })).ShouldBeProblem(409, "status");
        (await member.PatchJsonAsync($"/api/v1/account_plans/{id}", new { strategic_objectives = new[] { "Roll out to the EU team", "Cut ticket backlog by half" } })).Status.ShouldBe(HttpStatusCode.OK);
        (await viewer.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { })).ShouldBeProblem(403);
        var submitted = await member.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { });
        submitted.Status.ShouldBe(HttpStatusCode.OK, submitted.Json?.ToJsonString());
        submitted.Json!["status"]!.GetValue<string>().ShouldBe("pending_approval");
        (await member.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { })).ShouldBeProblem(409, "status");
        // Under approval the content is frozen.
        (await member.PatchJsonAsync($"/api/v1/account_plans/{id}", new { strategic_objectives = new[] { "Something else" } })).ShouldBeProblem(409, "status");

        // A member cannot approve; the owner returns it once with a reason, then approves it.
        (await member.PostJsonAsync($"/api/v1/account_plans/{id}/approve", new { })).ShouldBeProblem(403);
        (await t.Http.PostJsonAsync($"/api/v1/account_plans/{id}/reject", new { })).ShouldBeProblem(422, "reason");
        var returned = await t.Http.PostJsonAsync($"/api/v1/account_plans/{id}/reject", new { reason = "Add the renewal target" });
        returned.Json!["status"]!.GetValue<string>().ShouldBe("draft");
        returned.Json["notes"]!.GetValue<string>().ShouldContain("Add the renewal target");
        (await member.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { })).Status.ShouldBe(HttpStatusCode.OK);
        var approved = await t.Http.PostJsonAsync($"/api/v1/account_plans/{id}/approve", new { });
        approved.Status.ShouldBe(HttpStatusCode.OK, approved.Json?.ToJsonString());
        approved.Json!["status"]!.GetValue<string>().ShouldBe("approved");
        approved.Json["approved_by"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        approved.Json["approved_at"].ShouldNotBeNull();
        (await t.Http.PostJsonAsync($"/api/v1/account_plans/{id}/approve", new { })).ShouldBeProblem(409, "status");
        (await member.PatchJsonAsync($"/api/v1/account_plans/{id}", new { approved_by = (Guid?)null })).ShouldBeProblem(422, "approved_by");
        (await HealthTests.CountAsync(app, $"SELECT count(*) FROM domain_events WHERE organization_id = $1 AND event_type = 'account_plan.approved' AND resource_id = '{id}'", t.OrganizationId)).ShouldBe(1L);

        // Reopened to change it: the approval is cleared.
        var reopened = await member.PostJsonAsync($"/api/v1/account_plans/{id}/reopen", new { });
        reopened.Json!["status"]!.GetValue<string>().ShouldBe("draft");
        reopened.Json["approved_by"].ShouldBeNull();
        reopened.Json["approved_at"].ShouldBeNull();

        var other = await app.SignupAsync();
        (await other.Http.PostJsonAsync($"/api/v1/account_plans/{id}/submit", new { })).ShouldBeProblem(404);
        (await other.Http.GetJsonAsync("/api/v1/account_plans")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }
}
