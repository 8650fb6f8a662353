using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Channels;

/// <summary>
/// Sends WhatsApp and Instagram messages through Meta's Graph API:
/// POST {GraphBaseUrl}/{version}/{phone_number_id or account id}/messages with the channel's token.
/// 429, 5xx, timeouts and Meta's throttling codes are retried by the outbox; other 4xx are permanent.
/// </summary>
public sealed class MetaGraphSender(IHttpClientFactory http, MetaOptions meta, ChannelPacer pacer) : IChannelSender
{
    public const string HttpClientName = "meta-graph";
    // Meta's rate-limit and transient error codes (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
    private static readonly HashSet<int> RetryableCodes = [1, 2, 4, 17, 341, 80007, 130429, 131000, 131016, 131048, 131056];

    public bool Handles(string platform) => platform is "whatsapp" or "instagram";

    public async Task<SendResult> SendAsync(OutboundMessage m, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(m.AccessToken)) throw new PermanentJobException($"{m.Platform} channel {m.ChannelExternalId} has no access token");
        await pacer.WaitTurnAsync(m.PhoneNumberId, ct);
        var body = m.Platform == "whatsapp"
            ? new JsonObject
            {
                ["messaging_product"] = "whatsapp", ["recipient_type"] = "individual", ["to"] = m.Recipient, ["type"] = "text",
                ["text"] = new JsonObject { ["preview_url"] = false, ["body"] = m.Text },
            }
            : new JsonObject { ["recipient"] = new JsonObject { ["id"] = m.Recipient }, ["messaging_type"] = "RESPONSE", ["message"] = new JsonObject { ["text"] = m.Text } };
        using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(meta.GraphBaseUrl, $"{meta.GraphVersion}/{Uri.EscapeDataString(m.ChannelExternalId)}/messages"))
        {
            Content = JsonContent.Create(body),
        };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", m.AccessToken);
        HttpResponseMessage res;
        try
        {
            res = await http.CreateClient(HttpClientName).SendAsync(req, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new RetryLaterException($"Graph API unreachable: {e.Message}", null, e);
        }
        using (res)
        {
            var text = await res.Content.ReadAsStringAsync(ct);
            JsonNode? json = null;
            try { json = JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { }
            if (res.IsSuccessStatusCode)
            {
                var id = m.Platform == "whatsapp" ? json?["messages"]?[0]?["id"]?.GetValue<string>() : json?["message_id"]?.GetValue<string>();
                return id is null ? throw new RetryLaterException($"Graph API answered {(int)res.StatusCode} without a message id: {Trim(text)}") : new SendResult(id);
            }
            var error = json?["error"];
            var code = error?["code"]?.GetValue<int>() ?? 0;
            var message = $"Graph API {(int)res.StatusCode}: {error?["message"]?.GetValue<string>() ?? Trim(text)} (code {code})";
            if (res.StatusCode == HttpStatusCode.TooManyRequests || (int)res.StatusCode >= 500 || RetryableCodes.Contains(code))
            {
                TimeSpan? after = res.Headers.RetryAfter?.Delta ?? (res.Headers.RetryAfter?.Date is { } d ? d - DateTimeOffset.UtcNow : null);
                throw new RetryLaterException(message, after);
            }
            throw new PermanentJobException(message);
        }
    }

    private static string Trim(string s) => s.Length > 300 ? s[..300] : s;

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
