using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Slack answered ok:false (Error is Slack's code: invalid_code, channel_not_found, token_revoked,
/// ratelimited, …) or could not be reached (Error "unreachable", Status 0). RetryAfter comes from a 429.
/// </summary>
public sealed class SlackApiException(string method, string error, int status, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Slack {method}: {error}" + (status is 0 or 200 ? "" : $" (HTTP {status})"), inner)
{
    public string Error { get; } = error;
    public int Status { get; } = status;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth retrying: rate limits, Slack's 5xx, network failures. Everything else needs a person (reconnect, pick a channel).</summary>
    public bool Transient => Status is 0 or 429 or >= 500 || Error is "ratelimited" or "internal_error" or "fatal_error" or "service_unavailable" or "request_timeout";
}

/// <summary>
/// Slack's Web API over HTTP: POST {Slack__ApiBase}{method} with a form (oauth.v2.access, users.info)
/// or JSON (chat.postMessage, chat.update) body and the bot token as Bearer; every answer is
/// {"ok":true,…} or {"ok":false,"error":"…"} (with HTTP 200), or a 429 with Retry-After. Also posts
/// to an interaction's response_url.
/// </summary>
public sealed class SlackWebApi(IHttpClientFactory factory, SlackOptions options)
{
    public const string ClientName = "slack";

    public Task<JsonObject> FormAsync(string method, string? token, IEnumerable<KeyValuePair<string, string>> form, CancellationToken ct) =>
        SendAsync(method, token, new FormUrlEncodedContent(form), ct);

    public Task<JsonObject> JsonAsync(string method, string token, JsonObject body, CancellationToken ct) =>
        SendAsync(method, token, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), ct);

    /// <summary>oauth.v2.access: the app's credentials as HTTP Basic (Slack's preferred form), the code and redirect URI in the form.</summary>
    public Task<JsonObject> ExchangeCodeAsync(string code, string redirectUri, CancellationToken ct)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ClientId}:{options.ClientSecret}"));
        return SendAsync("oauth.v2.access", null, new FormUrlEncodedContent([new("code", code), new("redirect_uri", redirectUri)]), ct,
            new AuthenticationHeaderValue("Basic", basic));
    }

    /// <summary>The email on a Slack user's profile (users.info; needs users:read.email), or null when the profile shows none.</summary>
    public async Task<string?> EmailOfAsync(string token, string slackUserId, CancellationToken ct)
    {
        var res = await FormAsync("users.info", token, [new("user", slackUserId)], ct);
        return res["user"]?["profile"]?["email"] is JsonValue v && v.TryGetValue<string>(out var email) && email.Length > 0 ? email : null;
    }

    /// <summary>POSTs a message to an interaction's response_url (no token: the URL is the credential).</summary>
    public async Task RespondAsync(string responseUrl, JsonObject message, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.Timeout);
        try
        {
            using var res = await factory.CreateClient(ClientName).PostAsync(responseUrl,
                new StringContent(message.ToJsonString(), Encoding.UTF8, "application/json"), cts.Token);
            if (!res.IsSuccessStatusCode) throw new SlackApiException("response_url", await res.Content.ReadAsStringAsync(ct) is { Length: > 0 and < 200 } t ? t : "failed", (int)res.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new SlackApiException("response_url", "unreachable", 0, null, e);
        }
    }

    private async Task<JsonObject> SendAsync(string method, string? token, HttpContent content, CancellationToken ct, AuthenticationHeaderValue? auth = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.Timeout);
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBase, method)) { Content = content };
            req.Headers.Authorization = auth ?? (token is null ? null : new AuthenticationHeaderValue("Bearer", token));
            using var res = await factory.CreateClient(ClientName).SendAsync(req, cts.Token);
            var text = await res.Content.ReadAsStringAsync(cts.Token);
            if ((int)res.StatusCode == 429)
                throw new SlackApiException(method, "ratelimited", 429, res.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30));
            JsonObject? json = null;
            try { json = text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null; } catch (JsonException) { }
            if (json is null) throw new SlackApiException(method, res.IsSuccessStatusCode ? "invalid_response" : "http_error", (int)res.StatusCode);
            if (json["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var good) && good) return json;
            var error = json["error"] is JsonValue e && e.TryGetValue<string>(out var code) ? code : "unknown_error";
            throw new SlackApiException(method, error, (int)res.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new SlackApiException(method, "unreachable", 0, null, e);
        }
    }
}
