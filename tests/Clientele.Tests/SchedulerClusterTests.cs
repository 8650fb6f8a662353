using System.Collections.Concurrent;
using Clientele.Platform.Hosting;
using Clientele.Platform.Scheduling;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Two app nodes on one database, each with its clustered scheduler and the same system jobs.</summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    public ConcurrentQueue<(string Node, string Job, DateTimeOffset? Scheduled, bool Recovering)> Runs { get; } = new();
    public string OwnerConnectionString { get; private set; } = "";
    public WebApplication A { get; private set; } = null!;
    public WebApplication B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        OwnerConnectionString = await TestCluster.CreateDatabaseAsync();
        A = await StartNodeAsync();
        B = await StartNodeAsync();
    }

    private async Task<WebApplication> StartNodeAsync()
    {
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            foreach (var (k, v) in new Dictionary<string, string?>
            {
                ["ConnectionStrings:Clientele"] = OwnerConnectionString, ["Logging:Json"] = "false", ["Logging:LogLevel:Default"] = "Warning",
                ["Scheduler:IdleWaitMilliseconds"] = "1000", ["Scheduler:CheckinIntervalMilliseconds"] = "500", ["Scheduler:CheckinMisfireThresholdMilliseconds"] = "2000",
                ["Billing:RunIntervalSeconds"] = "2",
            }) b.Configuration[k] = v;
            b.Services.AddSystemJob("test.tick", "* * * * * ?", (run, _) => { Runs.Enqueue((run.InstanceId, "tick", run.ScheduledFireTime, run.Recovering)); return Task.CompletedTask; });
            // Never fires on its own (2099): started by hand; blocks on its first run so the node can die under it.
            b.Services.AddSystemJob("test.slow", "0 0 0 1 1 ? 2099", async (run, ct) =>
            {
                Runs.Enqueue((run.InstanceId, "slow", run.ScheduledFireTime, run.Recovering));
                if (!run.Recovering) await Task.Delay(Timeout.Infinite, ct);
            });
        });
        await app.StartAsync();
        return app;
    }

    public static async Task<IScheduler> SchedulerOf(WebApplication node) => await node.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { A, B })
        {
            try { await app.StopAsync(); } catch (ObjectDisposedException) { }
            await app.DisposeAsync();
        }
    }
}

/// <summary>Issue 15 item 4: every firing runs on exactly one node; a node's death does not lose the job it was running.</summary>
public sealed class SchedulerClusterTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    [Fact]
    public async Task Each_firing_of_a_system_job_runs_exactly_once_across_two_nodes_and_is_logged_once()
    {
        var a = await (await TwoNodeCluster.SchedulerOf(cluster.A)).GetSchedulerInstanceId();
        var b = await (await TwoNodeCluster.SchedulerOf(cluster.B)).GetSchedulerInstanceId();
        a.ShouldNotBe(b);
        await Eventually.GetAsync(() => Task.FromResult(cluster.Runs.Count(r => r.Job == "tick")), n => n >= 6, TimeSpan.FromSeconds(40), "six ticks");
        var ticks = cluster.Runs.Where(r => r.Job == "tick").ToList();
        ticks.Select(t => t.Scheduled).Distinct().Count().ShouldBe(ticks.Count, "a scheduled second ran twice: " + string.Join(", ", ticks.Select(t => $"{t.Scheduled:HH:mm:ss}@{t.Node}")));
        ticks.Select(t => t.Node).ShouldAllBe(n => n == a || n == b);

        await using var conn = new NpgsqlConnection(cluster.OwnerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT scheduled_fire_time) FROM quartz.clientele_job_runs WHERE job_name = 'test.tick'", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        r.GetInt64(1).ShouldBe(r.GetInt64(0));
        r.GetInt64(0).ShouldBeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public async Task A_job_whose_node_dies_mid_run_is_recovered_and_rerun_on_the_other_node()
    {
        await (await TwoNodeCluster.SchedulerOf(cluster.A)).TriggerJob(new JobKey("test.slow", SystemJobExtensions.Group));
        var started = await Eventually.GetAsync(() => Task.FromResult(cluster.Runs.FirstOrDefault(r => r.Job == "slow")), r => r.Node is not null, TimeSpan.FromSeconds(30), "the slow job to start");
        var aId = await (await TwoNodeCluster.SchedulerOf(cluster.A)).GetSchedulerInstanceId();
        var (victim, survivor) = started.Node == aId ? (cluster.A, cluster.B) : (cluster.B, cluster.A);
        var survivorId = await (await TwoNodeCluster.SchedulerOf(survivor)).GetSchedulerInstanceId();

        // The node dies: its scheduler stops checking in and never completes the firing.
        await (await TwoNodeCluster.SchedulerOf(victim)).Shutdown(waitForJobsToComplete: false);

        var recovered = await Eventually.GetAsync(() => Task.FromResult(cluster.Runs.FirstOrDefault(r => r.Job == "slow" && r.Recovering)),
            r => r.Node is not null, TimeSpan.FromSeconds(40), "another node to recover the job");
        recovered.Node.ShouldBe(survivorId);
        cluster.Runs.Count(r => r.Job == "slow").ShouldBe(2);
    }

    [Fact]
    public async Task The_billing_run_is_a_system_job_at_its_interval_and_each_firing_runs_on_one_node()
    {
        await using var conn = new NpgsqlConnection(cluster.OwnerConnectionString);
        await conn.OpenAsync();
        // Read from the job store itself: the node-death test may have shut one node's scheduler down.
        await using (var simple = new NpgsqlCommand("SELECT repeat_interval FROM quartz.qrtz_simple_triggers WHERE trigger_name = 'billing' AND trigger_group = 'system'", conn))
            ((long)(await simple.ExecuteScalarAsync() ?? -1L)).ShouldBe(2000L, "the billing run's trigger repeats every 2 s");
        async Task<(long Runs, long Distinct, long Succeeded)> CountAsync()
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT scheduled_fire_time), count(*) FILTER (WHERE status = 'succeeded') FROM quartz.clientele_job_runs WHERE job_name = 'billing'", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
        }
        var counts = await Eventually.GetAsync(CountAsync, c => c.Succeeded >= 3, TimeSpan.FromSeconds(40), "three billing runs");
        counts.Distinct.ShouldBe(counts.Runs, "a billing firing ran on both nodes");
    }
}
