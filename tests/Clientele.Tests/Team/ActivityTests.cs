using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Team;

public sealed class ActivityTests(TeamFixture app) : IClassFixture<TeamFixture>
{
    [Fact]
    public async Task Sign_ins_and_record_changes_land_in_the_feed_which_tenants_only_read()
    {
        var t = await app.SignupAsync();
        using var owner = app.Anonymous();
        (await owner.PostFormAsync("/login", new() { ["email"] = t.Email, ["password"] = t.Password })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var customer = await t.Http.CreateCustomerAsync(new { name = "Globex Feed Co" });
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{customer}", new { name = "Globex Feed Co (renamed)" })).Status.ShouldBe(HttpStatusCode.OK);
        (await t.Http.DeleteAsync2($"/api/v1/customers/{customer}")).Status.ShouldBe(HttpStatusCode.NoContent);

        var feed = (await t.Http.GetJsonAsync("/api/v1/activity_logs?limit=50")).Json!["data"]!.AsArray().Select(a => a!.AsObject()).ToList();
        var signIn = feed.Single(a => a["action_type"]!.GetValue<string>() == "user.signed_in");
        signIn["actor_name"]!.GetValue<string>().ShouldBe("Olivia Owner");
        signIn["user_id"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        var records = feed.Where(a => a["resource_id"]?.GetValue<string>() == customer.ToString()).Select(a => a["action_type"]!.GetValue<string>()).ToList();
        records.ShouldBe(["record.deleted", "record.updated", "record.created"], ignoreOrder: true);
        feed.First(a => a["action_type"]!.GetValue<string>() == "record.created")["resource_name"]!.GetValue<string>().ShouldBe("Globex Feed Co");
        feed.First(a => a["action_type"]!.GetValue<string>() == "record.created")["actor_name"]!.GetValue<string>().ShouldBe("Olivia Owner"); // the signup key acts for its user

        // Read-only for tenants; another tenant sees none of it.
        (await t.Http.SendAsync(HttpMethod.Post, "/api/v1/activity_logs", new { action_type = "forged", actor_name = "x" })).Status.ShouldBe(HttpStatusCode.MethodNotAllowed);
        var id = signIn["id"]!.GetValue<string>();
        ((int)(await t.Http.PatchJsonAsync($"/api/v1/activity_logs/{id}", new { action_type = "forged" })).Status).ShouldBeOneOf(403, 404, 405);
        ((int)(await t.Http.DeleteAsync2($"/api/v1/activity_logs/{id}")).Status).ShouldBeOneOf(403, 404, 405);
        (await t.Http.GetJsonAsync($"/api/v1/activity_logs/{id}")).Json!["action_type"]!.GetValue<string>().ShouldBe("user.signed_in");
        var other = await app.SignupAsync();
        (await other.Http.GetJsonAsync($"/api/v1/activity_logs/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);

        // The console feed: everyone's, one person's, one kind.
        var all = await (await owner.Http.GetAsync("/app/activity")).Content.ReadAsStringAsync();
        all.ShouldContain("signed in");
        all.ShouldContain("Globex Feed Co");
        var kind = await (await owner.Http.GetAsync("/app/activity?action=user.")).Content.ReadAsStringAsync();
        kind.ShouldContain("signed in");
        kind.ShouldNotContain("Globex Feed Co");
        var person = await (await owner.Http.GetAsync($"/app/activity?user={t.UserId}")).Content.ReadAsStringAsync();
        person.ShouldContain("Globex Feed Co");
        var nobody = await (await owner.Http.GetAsync($"/app/activity?user={Guid.NewGuid()}")).Content.ReadAsStringAsync();
        nobody.ShouldContain("Nothing here yet");
    }
}
