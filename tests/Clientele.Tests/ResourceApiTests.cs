using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>The resource contract of DESIGN §4 on customers, the first resource end to end.</summary>
public sealed class ResourceApiTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Create_returns_201_with_location_and_server_fields_and_get_returns_the_row_with_etag()
    {
        var t = await app.SignupAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "ada@acme.test", name = "Ada", mrr = 99.5, health_score = 80, renewal_date = DateTime.UtcNow.Date.AddDays(10).ToString("yyyy-MM-dd") });
        r.Status.ShouldBe(HttpStatusCode.Created);
        var id = r.Json!["id"]!.GetValue<string>();
        r.Response.Headers.Location!.ToString().ShouldBe($"/api/v1/customers/{id}");
        r.Json["organization_id"]!.GetValue<string>().ShouldBe(t.OrganizationId.ToString());
        r.Json["created_by"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        r.Json["mrr"]!.GetValue<decimal>().ShouldBe(99.5m);
        r.Json["days_until_renewal"]!.GetValue<int>().ShouldBe(10);
        r.Json["is_at_risk"]!.GetValue<bool>().ShouldBeFalse();

        var g = await t.Http.GetJsonAsync($"/api/v1/customers/{id}");
        g.Status.ShouldBe(HttpStatusCode.OK);
        g.Json!["email"]!.GetValue<string>().ShouldBe("ada@acme.test");
        var etag = g.Response.Headers.ETag!.Tag;
        etag.ShouldStartWith("\"");
        var notModified = await t.Http.SendAsync(HttpMethod.Get, $"/api/v1/customers/{id}", configure: m => m.Headers.TryAddWithoutValidation("If-None-Match", etag));
        notModified.Status.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Server_fields_and_computed_properties_are_read_only()
    {
        var t = await app.SignupAsync();
        var r = await t.Http.PostJsonAsync("/api/v1/customers", new { email = "x@acme.test", id = Guid.NewGuid(), organization_id = Guid.NewGuid(), is_at_risk = true });
        r.ShouldBeProblem(422, "id");
        r.Json!["errors"]!["organization_id"].ShouldNotBeNull();
        r.Json["errors"]!["is_at_risk"].ShouldNotBeNull();
        (await t.Http.GetJsonAsync("/api/v1/customers")).Json!["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Patch_merges_and_if_match_rejects_stale_writes()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.CreateCustomerAsync(new { name = "Before", plan = "basic" });
        var g = await t.Http.GetJsonAsync($"/api/v1/customers/{id}");
        var etag = g.Response.Headers.ETag!.Tag;

        var p = await t.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { name = "After" }, m => m.Headers.TryAddWithoutValidation("If-Match", etag));
        p.Status.ShouldBe(HttpStatusCode.OK);
        p.Json!["name"]!.GetValue<string>().ShouldBe("After");
        p.Json["plan"]!.GetValue<string>().ShouldBe("basic"); // untouched field kept
        p.Response.Headers.ETag!.Tag.ShouldNotBe(etag);

        var stale = await t.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { name = "Lost update" }, m => m.Headers.TryAddWithoutValidation("If-Match", etag));
        stale.ShouldBeProblem(412);
        (await t.Http.GetJsonAsync($"/api/v1/customers/{id}")).Json!["name"]!.GetValue<string>().ShouldBe("After");

        var nulling = await t.Http.PatchJsonAsync($"/api/v1/customers/{id}", new { plan = (string?)null });
        nulling.Json!["plan"].ShouldBeNull();
    }

    [Fact]
    public async Task Delete_is_soft_and_admins_can_list_deleted_rows()
    {
        var t = await app.SignupAsync();
        var id = await t.Http.CreateCustomerAsync();
        (await t.Http.DeleteAsync2($"/api/v1/customers/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await t.Http.GetJsonAsync($"/api/v1/customers/{id}")).ShouldBeProblem(404);
        (await t.Http.GetJsonAsync("/api/v1/customers")).Json!["data"]!.AsArray().Count.ShouldBe(0);
        (await t.Http.DeleteAsync2($"/api/v1/customers/{id}")).ShouldBeProblem(404);

        var withDeleted = await t.Http.GetJsonAsync("/api/v1/customers?include_deleted=true");
        var row = withDeleted.Json!["data"]!.AsArray().Single()!;
        row["deleted_at"].ShouldNotBeNull();
        row["deleted_by"]!.GetValue<string>().ShouldBe(t.UserId.ToString());
        (await t.Http.GetJsonAsync($"/api/v1/customers/{id}?include_deleted=true")).Status.ShouldBe(HttpStatusCode.OK);

        var member = await app.KeyClientAsync(t, "read", "write");
        (await member.GetJsonAsync("/api/v1/customers?include_deleted=true")).ShouldBeProblem(403);

        // The email of a soft-deleted customer can be used again.
        (await t.Http.PostJsonAsync("/api/v1/customers", new { email = row["email"]!.GetValue<string>() })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Filters_support_every_operator()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync(new { name = "Alpha Corp", health_score = 20, churn_risk = 0.9, plan = "basic", country = "US" });
        await t.Http.CreateCustomerAsync(new { name = "Beta LLC", health_score = 55, churn_risk = 0.2, plan = "premium", country = "DE" });
        await t.Http.CreateCustomerAsync(new { name = "Gamma Inc", health_score = 90, plan = "enterprise" });
        async Task<string[]> Names(string q) =>
            (await t.Http.GetJsonAsync("/api/v1/customers?order=name&" + q)).Json!["data"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ToArray();

        (await Names("plan=basic")).ShouldBe(["Alpha Corp"]);
        (await Names("plan[eq]=premium")).ShouldBe(["Beta LLC"]);
        (await Names("plan[ne]=basic")).ShouldBe(["Beta LLC", "Gamma Inc"]);
        (await Names("health_score[gt]=55")).ShouldBe(["Gamma Inc"]);
        (await Names("health_score[gte]=55")).ShouldBe(["Beta LLC", "Gamma Inc"]);
        (await Names("health_score[lt]=55")).ShouldBe(["Alpha Corp"]);
        (await Names("health_score[lte]=55")).ShouldBe(["Alpha Corp", "Beta LLC"]);
        (await Names("plan[in]=basic,enterprise")).ShouldBe(["Alpha Corp", "Gamma Inc"]);
        (await Names("name[like]=%corp%")).ShouldBe(["Alpha Corp"]);
        (await Names("country[is_null]=true")).ShouldBe(["Gamma Inc"]);
        (await Names("country[is_null]=false&health_score[lt]=60")).ShouldBe(["Alpha Corp", "Beta LLC"]);
        (await Names("is_at_risk=true")).ShouldBe(["Alpha Corp"]); // computed properties filter too

        (await t.Http.GetJsonAsync("/api/v1/customers?nope=1")).ShouldBeProblem(400, "nope");
        (await t.Http.GetJsonAsync("/api/v1/customers?health_score[gt]=abc")).ShouldBeProblem(400, "health_score[gt]");
        (await t.Http.GetJsonAsync("/api/v1/customers?health_score[between]=1")).ShouldBeProblem(400, "health_score[between]");
        (await t.Http.GetJsonAsync("/api/v1/customers?order=metadata")).ShouldBeProblem(400, "order");
        (await t.Http.GetJsonAsync("/api/v1/customers?limit=0")).ShouldBeProblem(400, "limit");
        (await t.Http.GetJsonAsync("/api/v1/customers?limit=201")).ShouldBeProblem(400, "limit");
    }

    [Fact]
    public async Task Cursor_paging_visits_every_row_once_even_with_nulls_and_concurrent_inserts()
    {
        var t = await app.SignupAsync();
        var expected = new HashSet<string>();
        for (var i = 0; i < 23; i++)
        {
            var id = await t.Http.CreateCustomerAsync(new { health_score = i % 4 == 0 ? (int?)null : i % 7 });
            expected.Add(id.ToString());
        }
        foreach (var order in new[] { "health_score", "-health_score", "id", "-id", "email" })
        {
            var seen = new List<string>();
            string? cursor = null;
            var page = 0;
            do
            {
                var r = await t.Http.GetJsonAsync($"/api/v1/customers?limit=5&order={order}" + (cursor is null ? "" : "&cursor=" + cursor));
                r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
                seen.AddRange(r.Json!["data"]!.AsArray().Select(x => x!["id"]!.GetValue<string>()));
                cursor = r.Json["next_cursor"]?.GetValue<string>();
                r.Json["has_more"]!.GetValue<bool>().ShouldBe(cursor is not null);
                // Rows inserted while paging must not shift or duplicate what the pages show.
                if (page++ == 1) await t.Http.CreateCustomerAsync(new { health_score = 3 });
            } while (cursor is not null);
            seen.Count.ShouldBe(seen.Distinct().Count(), $"duplicates with order={order}");
            expected.IsSubsetOf(seen).ShouldBeTrue($"rows missed with order={order}");
        }
        (await t.Http.GetJsonAsync("/api/v1/customers?order=email&cursor=garbage")).ShouldBeProblem(400, "cursor");
    }

    [Fact]
    public async Task Include_adds_related_rows()
    {
        var t = await app.SignupAsync();
        var users = await t.Http.GetJsonAsync("/api/v1/users");
        var ownerId = users.Json!["data"]![0]!["id"]!.GetValue<string>();
        var id = await t.Http.CreateCustomerAsync(new { csm_id = ownerId });
        var r = await t.Http.GetJsonAsync($"/api/v1/customers/{id}?include=csm");
        r.Json!["csm"]!["id"]!.GetValue<string>().ShouldBe(ownerId);
        r.Json["csm"]!["password_hash"].ShouldBeNull();
        r.Json["csm"]!.AsObject().ContainsKey("password_hash").ShouldBeFalse();
        var list = await t.Http.GetJsonAsync("/api/v1/customers?include=csm");
        list.Json!["data"]![0]!["csm"]!["email"]!.GetValue<string>().ShouldBe(t.Email);
        var back = await t.Http.GetJsonAsync($"/api/v1/users/{ownerId}?include=customers");
        back.Json!["customers"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ShouldContain(id.ToString());
        (await t.Http.GetJsonAsync($"/api/v1/customers/{id}?include=nonsense")).ShouldBeProblem(400, "include");
    }

    [Fact]
    public async Task Users_never_show_password_hashes_and_only_admins_change_them()
    {
        var t = await app.SignupAsync();
        var users = await t.Http.GetJsonAsync("/api/v1/users");
        users.Json!["data"]![0]!.AsObject().ContainsKey("password_hash").ShouldBeFalse();
        (await t.Http.PostJsonAsync("/api/v1/users", new { email = "new@x.test", password_hash = "x" })).ShouldBeProblem(422, "password_hash");
        var member = await app.KeyClientAsync(t, "read", "write");
        (await member.PostJsonAsync("/api/v1/users", new { email = "m@x.test", role = "owner" })).ShouldBeProblem(403);
        (await t.Http.PostJsonAsync("/api/v1/users", new { email = "teammate@x.test", role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Unknown_resource_and_bad_ids_are_404_problems()
    {
        var t = await app.SignupAsync();
        (await t.Http.GetJsonAsync("/api/v1/no_such_table")).ShouldBeProblem(404);
        (await t.Http.GetJsonAsync("/api/v1/customers/not-a-uuid")).ShouldBeProblem(404);
        (await t.Http.GetJsonAsync($"/api/v1/customers/{Guid.NewGuid()}")).ShouldBeProblem(404);
        (await t.Http.PatchJsonAsync($"/api/v1/customers/{Guid.NewGuid()}", new { name = "x" })).ShouldBeProblem(404);
    }

    [Fact]
    public async Task At_risk_customers_use_thresholds()
    {
        var t = await app.SignupAsync();
        await t.Http.CreateCustomerAsync(new { name = "Risky", health_score = 30, churn_risk = 0.8 });
        await t.Http.CreateCustomerAsync(new { name = "Borderline", health_score = 60, churn_risk = 0.75 });
        await t.Http.CreateCustomerAsync(new { name = "Fine", health_score = 90, churn_risk = 0.1 });
        var r = await t.Http.GetJsonAsync("/api/v1/customers/at_risk");
        r.Json!["data"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ShouldBe(["Risky"]);
        var wider = await t.Http.GetJsonAsync("/api/v1/customers/at_risk?health_below=70&churn_above=0.5");
        wider.Json!["data"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ShouldBe(["Risky", "Borderline"]);
        (await t.Http.GetJsonAsync("/api/v1/customers/at_risk?churn_above=2")).ShouldBeProblem(400, "churn_above");
    }
}
