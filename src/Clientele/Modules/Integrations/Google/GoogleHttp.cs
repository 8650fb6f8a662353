using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Clientele.Modules.Integrations.Google;

/// <summary>One answer from Google, read in full: status, JSON body (if any) and Retry-After.</summary>
public sealed record GoogleResponse(int Status, JsonNode? Json, string Text, TimeSpan? RetryAfter)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>Calendar API: error.errors[0].reason (rateLimitExceeded, …); OAuth: error (invalid_grant, …).</summary>
    public string? Reason => Json?["error"] switch
    {
        JsonValue v => Str(v),
        JsonObject o => (o["errors"] is JsonArray { Count: > 0 } errors ? Str(errors[0]?["reason"]) : null) ?? Str(o["status"]),
        _ => null,
    };

    public string Message => Json?["error"] switch
    {
        JsonObject o => Str(o["message"]) ?? Trim(Text),
        JsonValue => Str(Json?["error_description"]) ?? Reason ?? Trim(Text),
        _ => Trim(Text),
    };

    /// <summary>A string value, or null for anything else (Google's answers are not ours to trust).</summary>
    internal static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public GoogleApiException ToException(string what) =>
        new(Status, Reason, $"{what}: Google answered {Status}{(Reason is null ? "" : " " + Reason)}: {Message}", RetryAfter);

    private static string Trim(string s) => s.Length > 300 ? s[..300] : s;
}

/// <summary>
/// Sends requests to Google with retries (Polly): 408, 429 (waiting what Retry-After asks, up to
/// Google__MaxRetryAfterSeconds), 5xx, 403 rateLimitExceeded / userRateLimitExceeded (Google's
/// documented backoff cases), timeouts and network errors; exponential backoff with jitter, a
/// timeout per attempt. The request is built anew for every attempt.
/// </summary>
public sealed class GoogleHttp
{
    public const string ClientName = "google";
    private readonly IHttpClientFactory _factory;
    private readonly ResiliencePipeline<GoogleResponse> _pipeline;
    private readonly GoogleOptions _options;

    public GoogleHttp(IHttpClientFactory factory, GoogleOptions options)
    {
        _factory = factory;
        _options = options;
        var b = new ResiliencePipelineBuilder<GoogleResponse>();
        if (options.MaxRetries > 0)
            b.AddRetry(new RetryStrategyOptions<GoogleResponse>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter),
            });
        b.AddTimeout(options.Timeout);
        _pipeline = b.Build();
    }

    /// <summary>Google's final answer (maybe an error status); GoogleApiException(0) when it could not be reached.</summary>
    public async Task<GoogleResponse> SendAsync(Func<HttpRequestMessage> build, string what, CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                using var req = build();
                using var res = await _factory.CreateClient(ClientName).SendAsync(req, token);
                var text = await res.Content.ReadAsStringAsync(token);
                JsonNode? json = null;
                if (text.Length > 0)
                    try { json = JsonNode.Parse(text); } catch (JsonException) { }
                return new GoogleResponse((int)res.StatusCode, json, text, RetryAfterOf(res.Headers.RetryAfter));
            }, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or IOException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new GoogleApiException(0, null, $"{what}: Google could not be reached ({e.Message})", null, e);
        }
    }

    private bool ShouldRetry(Outcome<GoogleResponse> outcome)
    {
        if (outcome.Exception is { } e) return e is HttpRequestException or TimeoutRejectedException or IOException or OperationCanceledException;
        var r = outcome.Result!;
        if (r.Status == 429) return r.RetryAfter is not { } wait || wait <= _options.MaxRetryAfter;
        return r.Status is 408 or >= 500 || (r.Status == 403 && r.Reason is "rateLimitExceeded" or "userRateLimitExceeded");
    }

    private static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? h) =>
        h?.Delta ?? (h?.Date is { } at ? TimeSpan.FromTicks(Math.Max(0, (at - DateTimeOffset.UtcNow).Ticks)) : null);

    public static string Rfc3339(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}
