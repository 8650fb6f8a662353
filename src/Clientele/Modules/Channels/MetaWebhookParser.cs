using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Channels;

/// <summary>
/// Reads Meta's webhook payloads (WhatsApp Cloud API `whatsapp_business_account` and Instagram
/// Messaging `instagram`) into normalized InboundItems. Unknown parts are ignored, not errors:
/// Meta adds fields and event kinds over time and must still get its 200.
/// </summary>
public static class MetaWebhookParser
{
    public static List<InboundItem> Parse(JsonElement root)
    {
        var items = new List<InboundItem>();
        var obj = Str(root, "object");
        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return items;
        foreach (var entry in entries.EnumerateArray())
        {
            if (obj == "whatsapp_business_account") ParseWhatsApp(entry, items);
            else if (obj is "instagram" or "page") ParseInstagram(entry, items);
        }
        return items;
    }

    private static void ParseWhatsApp(JsonElement entry, List<InboundItem> items)
    {
        if (!entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array) return;
        foreach (var change in changes.EnumerateArray())
        {
            if (Str(change, "field") != "messages" || !change.TryGetProperty("value", out var value)) continue;
            var channel = value.TryGetProperty("metadata", out var meta) ? Str(meta, "phone_number_id") : null;
            if (channel is null) continue;
            var names = new Dictionary<string, string>();
            if (value.TryGetProperty("contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array)
                foreach (var c in contacts.EnumerateArray())
                    if (Str(c, "wa_id") is { } wa && c.TryGetProperty("profile", out var profile) && Str(profile, "name") is { } n) names[wa] = n;

            if (value.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in messages.EnumerateArray())
                {
                    var id = Str(m, "id");
                    var from = Str(m, "from");
                    if (id is null || from is null) continue;
                    var type = Str(m, "type") ?? "unknown";
                    var payload = new JsonObject
                    {
                        ["from"] = from, ["name"] = names.GetValueOrDefault(from), ["message_id"] = id,
                        ["timestamp"] = Timestamp(Str(m, "timestamp")), ["type"] = type,
                        ["raw"] = JsonNode.Parse(m.GetRawText()),
                    };
                    switch (type)
                    {
                        case "text":
                            payload["text"] = m.TryGetProperty("text", out var t) ? Str(t, "body") : null;
                            break;
                        case "interactive" when m.TryGetProperty("interactive", out var i):
                            var reply = i.TryGetProperty("button_reply", out var br) ? br : i.TryGetProperty("list_reply", out var lr) ? lr : default;
                            if (reply.ValueKind == JsonValueKind.Object)
                            {
                                payload["cta"] = new JsonObject { ["kind"] = Str(i, "type"), ["id"] = Str(reply, "id"), ["title"] = Str(reply, "title") };
                                payload["text"] = Str(reply, "title");
                            }
                            break;
                        case "button" when m.TryGetProperty("button", out var b):
                            payload["cta"] = new JsonObject { ["kind"] = "quick_reply", ["id"] = Str(b, "payload"), ["title"] = Str(b, "text") };
                            payload["text"] = Str(b, "text");
                            break;
                        case "location" when m.TryGetProperty("location", out var loc):
                            payload["text"] = $"[location] {Str(loc, "name") ?? ""} {Str(loc, "address") ?? ""}".Trim();
                            payload["attachments"] = new JsonArray(new JsonObject { ["type"] = "location", ["data"] = JsonNode.Parse(loc.GetRawText()) });
                            break;
                        case "image" or "video" or "audio" or "document" or "sticker" when m.TryGetProperty(type, out var media):
                            payload["text"] = Str(media, "caption") ?? $"[{type}]";
                            payload["attachments"] = new JsonArray(new JsonObject
                            {
                                ["type"] = type, ["id"] = Str(media, "id"), ["mime_type"] = Str(media, "mime_type"),
                                ["sha256"] = Str(media, "sha256"), ["caption"] = Str(media, "caption"), ["filename"] = Str(media, "filename"),
                            });
                            break;
                        default:
                            payload["text"] = $"[{type}]";
                            break;
                    }
                    items.Add(new InboundItem("whatsapp", channel, "message", id, payload));
                }
            }
            if (value.TryGetProperty("statuses", out var statuses) && statuses.ValueKind == JsonValueKind.Array)
            {
                foreach (var st in statuses.EnumerateArray())
                {
                    var id = Str(st, "id");
                    var status = Str(st, "status");
                    if (id is null || status is not ("sent" or "delivered" or "read" or "failed")) continue;
                    var payload = new JsonObject
                    {
                        ["message_id"] = id, ["status"] = status, ["timestamp"] = Timestamp(Str(st, "timestamp")), ["recipient"] = Str(st, "recipient_id"),
                        ["errors"] = st.TryGetProperty("errors", out var errs) ? JsonNode.Parse(errs.GetRawText()) : null,
                    };
                    items.Add(new InboundItem("whatsapp", channel, "status", id + ":" + status, payload));
                }
            }
        }
    }

    private static void ParseInstagram(JsonElement entry, List<InboundItem> items)
    {
        var account = Str(entry, "id");
        if (account is null || !entry.TryGetProperty("messaging", out var messaging) || messaging.ValueKind != JsonValueKind.Array) return;
        foreach (var ev in messaging.EnumerateArray())
        {
            var sender = ev.TryGetProperty("sender", out var s) ? Str(s, "id") : null;
            var ts = ev.TryGetProperty("timestamp", out var tsv) && tsv.ValueKind == JsonValueKind.Number ? tsv.GetInt64() : (long?)null;
            var when = ts is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : null;
            if (ev.TryGetProperty("message", out var m))
            {
                var mid = Str(m, "mid");
                if (mid is null || sender is null || (m.TryGetProperty("is_echo", out var echo) && echo.ValueKind == JsonValueKind.True)) continue;
                var payload = new JsonObject
                {
                    ["from"] = sender, ["message_id"] = mid, ["timestamp"] = when, ["type"] = "text", ["text"] = Str(m, "text"),
                    ["raw"] = JsonNode.Parse(ev.GetRawText()),
                };
                if (m.TryGetProperty("quick_reply", out var qr))
                    payload["cta"] = new JsonObject { ["kind"] = "quick_reply", ["id"] = Str(qr, "payload"), ["title"] = Str(m, "text") };
                if (m.TryGetProperty("attachments", out var atts) && atts.ValueKind == JsonValueKind.Array)
                {
                    var list = new JsonArray();
                    foreach (var a in atts.EnumerateArray())
                        list.Add(new JsonObject { ["type"] = Str(a, "type"), ["url"] = a.TryGetProperty("payload", out var p) ? Str(p, "url") : null });
                    payload["attachments"] = list;
                    payload["type"] = list.Count > 0 ? list[0]!["type"]?.GetValue<string>() ?? "attachment" : "attachment";
                    payload["text"] ??= $"[{payload["type"]}]";
                }
                items.Add(new InboundItem("instagram", account, "message", mid, payload));
            }
            else if (ev.TryGetProperty("postback", out var pb) && sender is not null)
            {
                var mid = Str(pb, "mid") ?? $"postback:{sender}:{ts}";
                items.Add(new InboundItem("instagram", account, "message", mid, new JsonObject
                {
                    ["from"] = sender, ["message_id"] = mid, ["timestamp"] = when, ["type"] = "postback", ["text"] = Str(pb, "title"),
                    ["cta"] = new JsonObject { ["kind"] = "postback", ["id"] = Str(pb, "payload"), ["title"] = Str(pb, "title") },
                    ["raw"] = JsonNode.Parse(ev.GetRawText()),
                }));
            }
            else if (ev.TryGetProperty("read", out var read) && Str(read, "mid") is { } readMid)
            {
                items.Add(new InboundItem("instagram", account, "status", readMid + ":read",
                    new JsonObject { ["message_id"] = readMid, ["status"] = "read", ["timestamp"] = when, ["recipient"] = sender }));
            }
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    private static string? Timestamp(string? unixSeconds) =>
        long.TryParse(unixSeconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : null;
}
