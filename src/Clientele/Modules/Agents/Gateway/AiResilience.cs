using System.ClientModel;
using System.Globalization;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>
/// Retries of model calls (the OpenAI client's own retry policy is off, so each attempt is counted
/// once): a timeout per attempt inside up to Ai__MaxRetries retries with exponential backoff and
/// jitter, on 408, 429 (waiting what Retry-After asks), 5xx, timeouts and network errors.
/// </summary>
internal static class AiResilience
{
    public static ResiliencePipeline Build(AiOptions o)
    {
        var b = new ResiliencePipelineBuilder();
        if (o.MaxRetries > 0)
            b.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && !args.Context.CancellationToken.IsCancellationRequested && IsTransient(e, o.MaxRetryAfter)),
                // null: the exponential backoff decides.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ClientResultException c ? RetryAfter(c) : null),
            });
        b.AddTimeout(o.Timeout);
        return b.Build();
    }

    public static bool IsTransient(Exception e, TimeSpan maxRetryAfter) => e switch
    {
        TimeoutRejectedException => true,
        // A rate limit that asks for a longer wait than we hold a caller for is reported at once.
        ClientResultException { Status: 429 } c => RetryAfter(c) is not { } wait || wait <= maxRetryAfter,
        // Status 0: no response at all (connection refused, reset, DNS).
        ClientResultException c => c.Status is 0 or 408 or >= 500,
        HttpRequestException or IOException => true,
        // The client's own network timeout (the caller's cancellation is excluded before).
        OperationCanceledException => true,
        _ => false,
    };

    /// <summary>retry-after-ms (OpenAI, Azure) or Retry-After in seconds or as an HTTP date.</summary>
    public static TimeSpan? RetryAfter(ClientResultException e)
    {
        var headers = e.GetRawResponse()?.Headers;
        if (headers is null) return null;
        if (headers.TryGetValue("retry-after-ms", out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (!headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0) return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? TimeSpan.FromTicks(Math.Max(0, (at - DateTimeOffset.UtcNow).Ticks))
            : null;
    }
}
