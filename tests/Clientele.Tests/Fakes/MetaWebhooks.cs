using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Clientele.Tests.Fakes;

/// <summary>Meta-shaped webhook payloads and their X-Hub-Signature-256, as Meta sends them.</summary>
public static class MetaWebhooks
{
    public const string AppSecret = "test-app-secret";
    public const string VerifyToken = "test-verify-token";

    public static string Sign(string body, string secret = AppSecret) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))).ToLowerInvariant();

    public static JsonObject WhatsAppText(string phoneNumberId, string from, string name, string wamid, string text, long? timestamp = null) =>
        WhatsApp(phoneNumberId, new JsonObject
        {
            ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = from }),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = from, ["id"] = wamid, ["timestamp"] = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["type"] = "text", ["text"] = new JsonObject { ["body"] = text },
            }),
        });

    public static JsonObject WhatsAppButtonReply(string phoneNumberId, string from, string wamid, string buttonId, string title) =>
        WhatsApp(phoneNumberId, new JsonObject
        {
            ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Buyer" }, ["wa_id"] = from }),
            ["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = from, ["id"] = wamid, ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = "interactive",
                ["interactive"] = new JsonObject { ["type"] = "button_reply", ["button_reply"] = new JsonObject { ["id"] = buttonId, ["title"] = title } },
            }),
        });

    public static JsonObject WhatsAppImage(string phoneNumberId, string from, string wamid, string caption) =>
        WhatsApp(phoneNumberId, new JsonObject
        {
            ["messages"] = new JsonArray(new JsonObject
            {
                ["from"] = from, ["id"] = wamid, ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = "image",
                ["image"] = new JsonObject { ["id"] = "MEDIA123", ["mime_type"] = "image/jpeg", ["sha256"] = "abc", ["caption"] = caption },
            }),
        });

    public static JsonObject WhatsAppStatus(string phoneNumberId, string wamid, string status, string recipient, JsonArray? errors = null) =>
        WhatsApp(phoneNumberId, new JsonObject
        {
            ["statuses"] = new JsonArray(new JsonObject
            {
                ["id"] = wamid, ["status"] = status, ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["recipient_id"] = recipient, ["errors"] = errors,
            }),
        });

    private static JsonObject WhatsApp(string phoneNumberId, JsonObject value)
    {
        value["messaging_product"] = "whatsapp";
        value["metadata"] = new JsonObject { ["display_phone_number"] = "15550001111", ["phone_number_id"] = phoneNumberId };
        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "WABA1",
                ["changes"] = new JsonArray(new JsonObject { ["field"] = "messages", ["value"] = value }),
            }),
        };
    }

    public static JsonObject InstagramText(string accountId, string sender, string mid, string text) => new()
    {
        ["object"] = "instagram",
        ["entry"] = new JsonArray(new JsonObject
        {
            ["id"] = accountId, ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["messaging"] = new JsonArray(new JsonObject
            {
                ["sender"] = new JsonObject { ["id"] = sender }, ["recipient"] = new JsonObject { ["id"] = accountId },
                ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ["message"] = new JsonObject { ["mid"] = mid, ["text"] = text },
            }),
        }),
    };

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string platform, JsonObject payload, string? signature = null, string? rawBody = null)
    {
        var body = rawBody ?? payload.ToJsonString();
        using var req = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{platform}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        req.Headers.TryAddWithoutValidation("X-Hub-Signature-256", signature ?? Sign(body));
        return await http.SendAsync(req);
    }
}
