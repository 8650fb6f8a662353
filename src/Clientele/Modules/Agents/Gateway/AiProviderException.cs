namespace Clientele.Modules.Agents.Gateway;

/// <summary>
/// The model provider failed: a permanent 4xx (bad key, unknown model, invalid request) at once, or
/// a transient failure (429, 5xx, timeout, network) once the retries are spent. Callers catch it to
/// fall back (e.g. to the built-in engine or a human) instead of failing the conversation.
/// </summary>
public sealed class AiProviderException(string message, int? statusCode, bool transient, int attempts, Exception? inner = null)
    : Exception(message, inner), Clientele.Platform.Errors.IProblemSource
{
    /// <summary>An outage or rate limit is a 503 (retry later); anything else the provider refused is a 502.</summary>
    public Clientele.Platform.Errors.ProblemException ToProblem() => Transient
        ? new(503, "AI provider unavailable", $"The AI model provider did not answer after {Attempts} attempt(s): {Message}. Try again later.")
        : new(502, "AI provider error", $"The AI model provider refused the request: {Message}");

    /// <summary>The HTTP status the provider answered, or null when there was no answer (timeout, network).</summary>
    public int? StatusCode { get; } = statusCode;
    /// <summary>True when trying again later may succeed (rate limit, outage, timeout).</summary>
    public bool Transient { get; } = transient;
    /// <summary>How many requests were sent, retries included.</summary>
    public int Attempts { get; } = attempts;
}
