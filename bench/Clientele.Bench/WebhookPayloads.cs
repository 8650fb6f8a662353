using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Clientele.Bench;

/// <summary>Signed WhatsApp Cloud API text-message webhooks, as Meta sends them.</summary>
public static class WebhookPayloads
{
    public const string Secret = "bench-app-secret";

    public static string Text(string phoneNumberId, string from, string wamid) =>
        $$$"""{"object":"whatsapp_business_account","entry":[{"id":"WABA","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"{{{phoneNumberId}}}"},"contacts":[{"profile":{"name":"Buyer {{{from}}}"},"wa_id":"{{{from}}}"}],"messages":[{"from":"{{{from}}}","id":"{{{wamid}}}","timestamp":"{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}}","type":"text","text":{"body":"Hi, what does the premium plan cost for 50 agents?"}}]}}]}]}""";

    public static HttpRequestMessage Request(string path, string body)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.TryAddWithoutValidation("X-Hub-Signature-256",
            "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant());
        return req;
    }
}
