namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// The calendar cannot be used: nothing connected, the refresh token revoked, the grant lacking
/// calendar scopes, or Google OAuth not configured. The API answers 424 Failed Dependency.
/// </summary>
public sealed class GoogleNotConnectedException(string message) : Exception(message);

/// <summary>The chosen slot is busy on the calendar or taken by another booking. The API answers 409.</summary>
public sealed class SlotUnavailableException(TimeRange slot, string message) : Exception(message)
{
    public TimeRange Slot { get; } = slot;
}

/// <summary>
/// Google answered with an error after retries (Status is Google's HTTP status, 0 = unreachable).
/// Transient ones (429, 5xx, unreachable) become 503 with Retry-After; the rest 502.
/// </summary>
public sealed class GoogleApiException(int status, string? reason, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public int Status { get; } = status;
    /// <summary>Google's error reason or OAuth error code (rateLimitExceeded, invalid_grant, …).</summary>
    public string? Reason { get; } = reason;
    public TimeSpan? RetryAfter { get; } = retryAfter;
    public bool Transient => Status is 0 or 408 or 429 or >= 500 || Reason is "rateLimitExceeded" or "userRateLimitExceeded";
}
