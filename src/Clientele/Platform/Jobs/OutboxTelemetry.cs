using System.Diagnostics;
using System.Diagnostics.Metrics;
using Clientele.Platform.Telemetry;

namespace Clientele.Platform.Jobs;

/// <summary>
/// Spans and metrics for outbox jobs: one span per run ("outbox {topic}", a root of its own trace,
/// tagged with the row id and attempt), a counter of runs by topic and outcome
/// (done/retry/waiting/dead), a duration histogram and a counter of rows claimed per poll.
/// OutboxWorker calls it in three one-line places so it stays out of the worker's logic. The spans
/// come from the "Clientele.Outbox" source (the pipeline bench listens to it), the metrics from the
/// "Clientele" meter.
/// </summary>
public sealed class OutboxTelemetry : IDisposable
{
    public const string SourceName = "Clientele.Outbox";
    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Counter<long> Runs = ClienteleTelemetry.Meter.CreateCounter<long>("clientele.outbox.runs", "{run}", "Outbox job runs by topic and outcome");
    private static readonly Histogram<double> Duration = ClienteleTelemetry.Meter.CreateHistogram<double>("clientele.outbox.run.duration", "s", "Outbox job run time");
    private static readonly Counter<long> Claimed = ClienteleTelemetry.Meter.CreateCounter<long>("clientele.outbox.claimed", "{row}", "Outbox rows claimed");

    private readonly Activity? _activity;
    private readonly string _topic;
    private readonly long _started = Stopwatch.GetTimestamp();
    private string _outcome = "cancelled";

    private OutboxTelemetry(string topic, Guid id, int attempt)
    {
        _topic = topic;
        _activity = Source.StartActivity("outbox " + topic, ActivityKind.Consumer, parentContext: default);
        _activity?.SetTag("outbox.topic", topic);
        _activity?.SetTag("messaging.system", "clientele.outbox");
        _activity?.SetTag("messaging.destination.name", topic);
        _activity?.SetTag("messaging.message.id", id.ToString());
        _activity?.SetTag("clientele.outbox.attempt", attempt);
    }

    public static OutboxTelemetry Start(string topic, Guid id, int attempt) => new(topic, id, attempt);

    public static void RowsClaimed(int count)
    {
        if (count > 0) Claimed.Add(count);
    }

    public void Succeeded() => _outcome = "done";

    public void Failed(string outcome, Exception e)
    {
        _outcome = outcome;
        _activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        _activity?.AddException(e);
    }

    public void Dispose()
    {
        _activity?.SetTag("clientele.outbox.outcome", _outcome);
        _activity?.Dispose();
        var tags = new TagList { { "messaging.destination.name", _topic }, { "outcome", _outcome } };
        Runs.Add(1, tags);
        Duration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
    }
}
