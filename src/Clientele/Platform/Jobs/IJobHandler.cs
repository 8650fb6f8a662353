using System.Text.Json;
using Clientele.Platform.Database;

namespace Clientele.Platform.Jobs;

/// <summary>One claimed outbox row, handled inside its tenant's transaction.</summary>
public sealed record JobContext(Guid Id, string Topic, JsonElement Payload, int Attempt, int MaxAttempts, TenantSession Session)
{
    public T Read<T>() => Payload.Deserialize<T>(JobJson.Options) ?? throw new InvalidOperationException($"outbox {Id}: empty payload");
    public bool IsLastAttempt => Attempt >= MaxAttempts;
}

/// <summary>
/// Handles one outbox topic. The handler's writes and the row's completion commit together;
/// an exception rolls them back and the row is retried with backoff, then dead-lettered.
/// Handlers must be idempotent: a crash after the side effect but before the commit repeats it.
/// </summary>
public interface IJobHandler
{
    string Topic { get; }
    Task HandleAsync(JobContext job, CancellationToken ct);

    /// <summary>Called (in a fresh transaction) when the row is dead-lettered, to record the failure on the domain rows.</summary>
    Task OnDeadAsync(JobContext job, string error, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Ask for a retry after a delay (e.g. HTTP 429 from a provider).</summary>
public sealed class RetryLaterException(string message, TimeSpan? after = null, Exception? inner = null, bool countsAsAttempt = true) : Exception(message, inner)
{
    public TimeSpan? After { get; } = after;
    /// <summary>False when the job only waits for its turn (our own pacing): it must not move it towards the dead letter.</summary>
    public bool CountsAsAttempt { get; } = countsAsAttempt;
}

/// <summary>A failure that retrying cannot fix (bad token, invalid recipient): dead-letter at once.</summary>
public sealed class PermanentJobException(string message, Exception? inner = null) : Exception(message, inner);
