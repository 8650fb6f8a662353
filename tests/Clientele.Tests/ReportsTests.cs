using System.Net;
using Clientele.Modules.Analytics;
using Clientele.Platform.Database;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Seed 002's views and materialized view, used by the reports endpoints and the maintenance job.</summary>
public sealed class ReportsTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Organization_summary_and_metrics_come_from_the_views_and_see_only_the_tenant()
    {
        var a = await app.SignupAsync("Summary Org");
        var b = await app.SignupAsync();
        (await a.Http.PostJsonAsync("/api/v1/users", new { email = $"m-{Guid.NewGuid():N}@x.test", role = "member" })).Status.ShouldBe(HttpStatusCode.Created);
        // daily_metrics is written by the rollups only (read-only in the API): the row goes in as the owner.
        (await a.Http.PostJsonAsync("/api/v1/daily_metrics", new { date = DateTime.UtcNow.ToString("yyyy-MM-dd"), total_messages = 42 })).ShouldBeProblem(405);
        await using (var owner = await app.OwnerAsync())
        await using (var insert = new Npgsql.NpgsqlCommand(
            "INSERT INTO daily_metrics (id, organization_id, date, total_messages, avg_response_time) VALUES (gen_random_uuid(), $1, (now() AT TIME ZONE 'UTC')::date, 42, 1.5)", owner))
        {
            insert.Parameters.AddWithValue(a.OrganizationId);
            await insert.ExecuteNonQueryAsync();
        }
        (await MaintenanceJob.RunOnceAsync(app.App.Services.GetRequiredService<AppDataSource>(), CancellationToken.None)).ShouldBeTrue();

        var summary = await a.Http.GetJsonAsync("/api/v1/organization/summary");
        summary.Status.ShouldBe(HttpStatusCode.OK, summary.Json?.ToJsonString());
        summary.Json!["summary"]!["name"]!.GetValue<string>().ShouldBe("Summary Org");
        summary.Json["summary"]!["user_count"]!.GetValue<long>().ShouldBe(2);
        summary.Json["metrics_30d"]!["total_messages"]!.GetValue<long>().ShouldBe(42);
        (await b.Http.GetJsonAsync("/api/v1/organization/summary")).Json!["summary"]!["user_count"]!.GetValue<long>().ShouldBe(1);

        var activity = await a.Http.GetJsonAsync("/api/v1/users/activity");
        activity.Json!["data"]!.AsArray().Count.ShouldBe(2);
        activity.Json["data"]!.AsArray().ShouldAllBe(u => u!["organization_id"]!.GetValue<string>() == a.OrganizationId.ToString());
    }
}
