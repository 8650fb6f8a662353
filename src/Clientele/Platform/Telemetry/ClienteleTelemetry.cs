using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Clientele.Platform.Telemetry;

/// <summary>
/// Clientele's own ActivitySource and Meter ("Clientele"): spans and metrics for the outbox
/// worker and the periodic jobs. With no listener (no OTLP endpoint configured) StartActivity
/// returns null and instruments without a listener record nothing, so the cost is a branch.
/// </summary>
public static class ClienteleTelemetry
{
    public const string Name = "Clientele";
    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    private static readonly Counter<long> JobRuns = Meter.CreateCounter<long>("clientele.job.runs", "{run}",
        "Periodic job runs (idempotency purge, maintenance) by job and outcome");

    /// <summary>A span for one run of a periodic job; call <see cref="JobDone"/> with its outcome.</summary>
    public static Activity? StartJob(string job) => Source.StartActivity("job " + job, ActivityKind.Internal)?.SetTag("clientele.job", job);

    public static void JobDone(Activity? activity, string job, string outcome)
    {
        activity?.SetTag("clientele.job.outcome", outcome);
        if (outcome == "failed") activity?.SetStatus(ActivityStatusCode.Error);
        JobRuns.Add(1, new("clientele.job", job), new("outcome", outcome));
    }
}
