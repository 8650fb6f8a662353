using System.Net;
using Clientele.Modules.Automation.Scheduling;
using Clientele.Tests.Infrastructure;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>A scheduler quick enough for tests: check-ins and idle polls at their floor.</summary>
public sealed class FastSchedulerFixture : AppFixture
{
    protected override Dictionary<string, string?> Config => new()
    {
        ["Scheduler:IdleWaitMilliseconds"] = "1000",
        ["Scheduler:CheckinIntervalMilliseconds"] = "500",
        ["Scheduler:CheckinMisfireThresholdMilliseconds"] = "2000",
    };
}

/// <summary>Issue 15 item 4: scheduled_tasks rows run on the clustered Quartz scheduler, on their cron, in their zone.</summary>
public sealed class ScheduledTasksTests(FastSchedulerFixture app) : IClassFixture<FastSchedulerFixture>
{
    [Fact]
    public async Task An_invalid_cron_or_time_zone_is_a_422_naming_the_field_and_nothing_is_written()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/scheduled_tasks", new { task_name = "x", task_type = "report", schedule = "every monday" })).ShouldBeProblem(422, "schedule");
        (await t.Http.PostJsonAsync("/api/v1/scheduled_tasks", new { task_name = "x", task_type = "report", schedule = "61 9 * * 1" })).ShouldBeProblem(422, "schedule");
        (await t.Http.PostJsonAsync("/api/v1/scheduled_tasks", new { task_name = "x", task_type = "report", schedule = "0 9 * * 1", parameters = new { time_zone = "Mars/Olympus" } }))
            .ShouldBeProblem(422, "parameters.time_zone");
        (await t.Http.GetJsonAsync("/api/v1/scheduled_tasks")).Json!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_task_fires_on_its_cron_keeps_last_and_next_run_and_publishes_scheduled_task_fired()
    {
        var t = await app.SignupAsync();
        var created = await t.Http.PostJsonAsync("/api/v1/scheduled_tasks", new { task_name = "Every two seconds", task_type = "report", schedule = "*/2 * * * * *" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        var id = created.Json!["id"]!.GetValue<string>();
        created.Json["next_run_at"]!.GetValue<DateTime>().ShouldBeGreaterThan(DateTime.UtcNow.AddSeconds(-1));

        var ran = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/scheduled_tasks/{id}"),
            r => r.Json!["last_run_at"] is not null, TimeSpan.FromSeconds(30), "the task to run");
        ran.Json!["next_run_at"]!.GetValue<DateTime>().ShouldBeGreaterThan(ran.Json["last_run_at"]!.GetValue<DateTime>());
        ran.Json["is_overdue"]!.GetValue<bool>().ShouldBeFalse();
        var fired = await Eventually.GetAsync(async () => (await t.Http.GetJsonAsync($"/api/v1/domain_events?event_type=scheduled_task.fired&resource_id={id}")).Json!["data"]!.AsArray().Count,
            n => n >= 2, TimeSpan.FromSeconds(30), "a second run");
        fired.ShouldBeGreaterThanOrEqualTo(2);

        // Deactivated: no further runs.
        (await t.Http.PatchJsonAsync($"/api/v1/scheduled_tasks/{id}", new { is_active = false })).Json!["next_run_at"].ShouldBeNull();
        await Task.Delay(500);
        var before = (await t.Http.GetJsonAsync($"/api/v1/domain_events?event_type=scheduled_task.fired&resource_id={id}")).Json!["data"]!.AsArray().Count;
        await Task.Delay(4000);
        (await t.Http.GetJsonAsync($"/api/v1/domain_events?event_type=scheduled_task.fired&resource_id={id}")).Json!["data"]!.AsArray().Count.ShouldBe(before);
    }

    [Fact]
    public async Task A_task_overdue_since_january_runs_once_when_reconciled_and_then_follows_its_cron()
    {
        var t = await app.SignupAsync();
        var id = Guid.CreateVersion7();
        await using (var conn = await app.OwnerAsync())
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO scheduled_tasks (id, organization_id, task_name, task_type, schedule, is_active, next_run_at)
                VALUES ($1, $2, 'Monthly report', 'report', '0 9 1 * *', true, '2026-01-01T09:00:00Z')
                """, conn);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(t.OrganizationId);
            await cmd.ExecuteNonQueryAsync();
        }
        (await t.Http.GetJsonAsync($"/api/v1/scheduled_tasks/{id}")).Json!["is_overdue"]!.GetValue<bool>().ShouldBeTrue();
        (await ScheduledTaskReconciler.RunAsync(app.App.Services, CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        var ran = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/scheduled_tasks/{id}"),
            r => r.Json!["last_run_at"] is not null, TimeSpan.FromSeconds(30), "the overdue task to run");
        ran.Json!["is_overdue"]!.GetValue<bool>().ShouldBeFalse();
        var next = ran.Json["next_run_at"]!.GetValue<DateTime>().ToUniversalTime();
        (next.Day, next.Hour, next.Minute).ShouldBe((1, 9, 0));
    }

    [Theory]
    // Spring forward (America/New_York, 2026-03-08 02:00 -> 03:00): 02:30 does not exist that night; the run is at 03:00 EDT.
    [InlineData("30 2 * * *", "America/New_York", "2026-03-07T08:00:00Z", "2026-03-08T07:00:00Z")]
    // ... and the next night it is 02:30 EDT again (06:30 UTC).
    [InlineData("30 2 * * *", "America/New_York", "2026-03-08T08:00:00Z", "2026-03-09T06:30:00Z")]
    // Fall back (2026-11-01 02:00 -> 01:00): 01:30 happens twice; the task runs once, at the first (EDT, 05:30 UTC).
    [InlineData("30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", "2026-11-01T05:30:00Z")]
    [InlineData("30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z")]
    // Monday 09:00 in Berlin is 08:00 UTC before the switch (2026-03-29) and 07:00 UTC after it.
    [InlineData("0 9 * * 1", "Europe/Berlin", "2026-03-24T00:00:00Z", "2026-03-30T07:00:00Z")]
    [InlineData("0 9 * * 1", "Europe/Berlin", "2026-03-17T00:00:00Z", "2026-03-23T08:00:00Z")]
    public void Next_run_follows_the_wall_clock_of_the_zone_across_daylight_saving_changes(string cron, string zone, string after, string expected)
    {
        var expr = TaskSchedule.TryParse(cron, out var error);
        error.ShouldBeNull();
        var next = TaskSchedule.Next(expr!, DateTime.Parse(after, null, System.Globalization.DateTimeStyles.AdjustToUniversal), TaskSchedule.Zone(zone)!);
        next.ShouldBe(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal));
    }
}
