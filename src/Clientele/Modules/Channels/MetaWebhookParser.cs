using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Http;

namespace Clientele.Modules.Channels;

/// <summary>
/// Reads Meta's webhook payloads (WhatsApp Cloud API `whatsapp_business_account` and Instagram
/// Messaging `instagram`) into normalized InboundItems. Unknown parts are ignored, not errors:
/// Meta adds fields and event kinds over time and must still get its 200. Nothing here throws on
/// input: an item that cannot be read (not an object, text PostgreSQL cannot store, a timestamp
/// out of range, an id too long to keep) becomes a rejected item with the reason, so one poison
/// message never blocks the good ones beside it (issue 8).
/// </summary>
public static class MetaWebhookParser
{
    public static List<InboundItem> Parse(JsonElement root, string platform = "whatsapp")
    {
        var items = new List<InboundItem>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            items.Add(InboundRejects.Unroutable(platform, root, "the body is not a JSON object"));
            return items;
        }
        var obj = SafeStr(root, "object");
        if (!Prop(root, "entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return items;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) items.Add(InboundRejects.Unroutable(platform, entry, "an entry is not a JSON object"));
            else if (obj == "whatsapp_business_account") ParseWhatsApp(entry, items);
            else if (obj is "instagram" or "page") ParseInstagram(entry, items);
        }
        return items;
    }

    private static void ParseWhatsApp(JsonElement entry, List<InboundItem> items)
    {
        if (!Prop(entry, "changes", out var changes) || changes.ValueKind != JsonValueKind.Array) return;
        foreach (var change in changes.EnumerateArray())
        {
            if (SafeStr(change, "field") != "messages" || !Prop(change, "value", out var value)) continue;
            var channel = Prop(value, "metadata", out var meta) ? SafeStr(meta, "phone_number_id") : null;
            if (channel is null)
            {
                items.Add(InboundRejects.Unroutable("whatsapp", change, "value.metadata.phone_number_id is missing or not readable text"));
                continue;
            }
            var names = new Dictionary<string, string>();
            if (Prop(value, "contacts", out var contacts) && contacts.ValueKind == JsonValueKind.Array)
                foreach (var c in contacts.EnumerateArray())
                    if (SafeStr(c, "wa_id") is { } wa && Prop(c, "profile", out var profile) && SafeStr(profile, "name") is { } n) names[wa] = InboundRejects.Name(n)!;

            if (Prop(value, "messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
                foreach (var (m, i) in messages.EnumerateArray().Select((m, i) => (m, i)))
                    if (Guarded("whatsapp", channel, "message", m, $"messages[{i}]", () => WhatsAppMessage(channel, m, names)) is { } item) items.Add(item);
            if (Prop(value, "statuses", out var statuses) && statuses.ValueKind == JsonValueKind.Array)
                foreach (var (st, i) in statuses.EnumerateArray().Select((st, i) => (st, i)))
                    if (Guarded("whatsapp", channel, "status", st, $"statuses[{i}]", () => WhatsAppStatus(channel, st)) is { } item) items.Add(item);
        }
    }

    private static InboundItem? WhatsAppMessage(string channel, JsonElement m, Dictionary<string, string> names)
    {
        var id = Str(m, "id");
        var from = Str(m, "from");
        if (id is null || from is null) return null;
        Limit("id", id, InboundRejects.MaxMessageIdLength);
        Limit("from", from, InboundRejects.MaxHandleLength);
        var type = Str(m, "type") ?? "unknown";
        var payload = new JsonObject
        {
            ["from"] = from, ["name"] = names.GetValueOrDefault(from), ["message_id"] = id,
            ["timestamp"] = Timestamp(m, "timestamp", seconds: true), ["type"] = type,
            ["raw"] = JsonNode.Parse(m.GetRawText()),
        };
        switch (type)
        {
            case "text":
                payload["text"] = Prop(m, "text", out var t) ? Str(t, "body") : null;
                break;
            case "interactive" when Prop(m, "interactive", out var i):
                var reply = Prop(i, "button_reply", out var br) ? br : Prop(i, "list_reply", out var lr) ? lr : default;
                if (reply.ValueKind == JsonValueKind.Object)
                {
                    payload["cta"] = new JsonObject { ["kind"] = Str(i, "type"), ["id"] = Str(reply, "id"), ["title"] = Str(reply, "title") };
                    payload["text"] = Str(reply, "title");
                }
                break;
            case "button" when Prop(m, "button", out var b):
                payload["cta"] = new JsonObject { ["kind"] = "quick_reply", ["id"] = Str(b, "payload"), ["title"] = Str(b, "text") };
                payload["text"] = Str(b, "text");
                break;
            case "location" when Prop(m, "location", out var loc):
                payload["text"] = $"[location] {Str(loc, "name") ?? ""} {Str(loc, "address") ?? ""}".Trim();
                payload["attachments"] = new JsonArray(new JsonObject { ["type"] = "location", ["data"] = JsonNode.Parse(loc.GetRawText()) });
                break;
            case "image" or "video" or "audio" or "document" or "sticker" when Prop(m, type, out var media):
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
        return new InboundItem("whatsapp", channel, "message", id, payload);
    }

    private static InboundItem? WhatsAppStatus(string channel, JsonElement st)
    {
        var id = Str(st, "id");
        var status = Str(st, "status");
        if (id is null || status is not ("sent" or "delivered" or "read" or "failed")) return null;
        Limit("id", id, InboundRejects.MaxMessageIdLength);
        var payload = new JsonObject
        {
            ["message_id"] = id, ["status"] = status, ["timestamp"] = Timestamp(st, "timestamp", seconds: true), ["recipient"] = Str(st, "recipient_id"),
            ["errors"] = Prop(st, "errors", out var errs) ? JsonNode.Parse(errs.GetRawText()) : null,
        };
        return new InboundItem("whatsapp", channel, "status", id + ":" + status, payload);
    }

    private static void ParseInstagram(JsonElement entry, List<InboundItem> items)
    {
        var account = SafeStr(entry, "id");
        if (!Prop(entry, "messaging", out var messaging) || messaging.ValueKind != JsonValueKind.Array) return;
        if (account is null)
        {
            items.Add(InboundRejects.Unroutable("instagram", entry, "entry.id (the Instagram account) is missing or not readable text"));
            return;
        }
        foreach (var (ev, i) in messaging.EnumerateArray().Select((ev, i) => (ev, i)))
            if (Guarded("instagram", account, "message", ev, $"messaging[{i}]", () => InstagramEvent(account, ev)) is { } item) items.Add(item);
    }

    private static InboundItem? InstagramEvent(string account, JsonElement ev)
    {
        var sender = Prop(ev, "sender", out var s) ? Str(s, "id") : null;
        if (sender is not null) Limit("sender.id", sender, InboundRejects.MaxHandleLength);
        var when = Timestamp(ev, "timestamp", seconds: false);
        var ts = Prop(ev, "timestamp", out var tsv) ? tsv.GetRawText() : "";
        if (Prop(ev, "message", out var m))
        {
            var mid = Str(m, "mid");
            if (mid is null || sender is null || (Prop(m, "is_echo", out var echo) && echo.ValueKind == JsonValueKind.True)) return null;
            Limit("message.mid", mid, InboundRejects.MaxMessageIdLength);
            var payload = new JsonObject
            {
                ["from"] = sender, ["message_id"] = mid, ["timestamp"] = when, ["type"] = "text", ["text"] = Str(m, "text"),
                ["raw"] = JsonNode.Parse(ev.GetRawText()),
            };
            if (Prop(m, "quick_reply", out var qr))
                payload["cta"] = new JsonObject { ["kind"] = "quick_reply", ["id"] = Str(qr, "payload"), ["title"] = Str(m, "text") };
            if (Prop(m, "attachments", out var atts) && atts.ValueKind == JsonValueKind.Array)
            {
                var list = new JsonArray();
                foreach (var a in atts.EnumerateArray())
                    list.Add(new JsonObject { ["type"] = Str(a, "type"), ["url"] = Prop(a, "payload", out var p) ? Str(p, "url") : null });
                payload["attachments"] = list;
                payload["type"] = list.Count > 0 ? list[0]!["type"]?.GetValue<string>() ?? "attachment" : "attachment";
                payload["text"] ??= $"[{payload["type"]}]";
            }
            return new InboundItem("instagram", account, "message", mid, payload);
        }
        if (Prop(ev, "postback", out var pb) && sender is not null)
        {
            var mid = Str(pb, "mid") ?? $"postback:{sender}:{ts}";
            Limit("postback.mid", mid, InboundRejects.MaxMessageIdLength);
            return new InboundItem("instagram", account, "message", mid, new JsonObject
            {
                ["from"] = sender, ["message_id"] = mid, ["timestamp"] = when, ["type"] = "postback", ["text"] = Str(pb, "title"),
                ["cta"] = new JsonObject { ["kind"] = "postback", ["id"] = Str(pb, "payload"), ["title"] = Str(pb, "title") },
                ["raw"] = JsonNode.Parse(ev.GetRawText()),
            });
        }
        if (Prop(ev, "read", out var read) && Str(read, "mid") is { } readMid)
        {
            Limit("read.mid", readMid, InboundRejects.MaxMessageIdLength);
            return new InboundItem("instagram", account, "status", readMid + ":read",
                new JsonObject { ["message_id"] = readMid, ["status"] = "read", ["timestamp"] = when, ["recipient"] = sender });
        }
        return null;
    }

    /// <summary>Parses one item; whatever about it cannot be read makes it a rejected item instead.</summary>
    private static InboundItem? Guarded(string platform, string channel, string kind, JsonElement raw, string where, Func<InboundItem?> parse)
    {
        if (raw.ValueKind != JsonValueKind.Object) return InboundRejects.Reject(platform, channel, kind, raw, $"{where} is not a JSON object");
        if (JsonText.Find(raw) is { } bad) return InboundRejects.Reject(platform, channel, kind, raw, $"{where}.{bad.Path} {bad.Reason}");
        try { return parse(); }
        catch (Unreadable e) { return InboundRejects.Reject(platform, channel, kind, raw, $"{where}.{e.Message}"); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or OverflowException)
        {
            // A shape this parser did not foresee: keep the evidence rather than fail the delivery.
            return InboundRejects.Reject(platform, channel, kind, raw, $"{where} could not be read: {e.Message}");
        }
    }

    private sealed class Unreadable(string message) : Exception(message);

    private static void Limit(string field, string value, int max)
    {
        if (value.Length == 0) throw new Unreadable($"{field} is empty");
        if (value.Length > max) throw new Unreadable($"{field} is longer than {max} characters ({value.Length})");
    }

    private static bool Prop(JsonElement e, string name, out JsonElement value)
    {
        value = default;
        return e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out value);
    }

    /// <summary>A string (or a number's text) inside an item that JsonText.Find already approved.</summary>
    private static string? Str(JsonElement e, string name) =>
        Prop(e, name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary>Str for routing fields outside any item: unreadable or unstorable text counts as absent.</summary>
    private static string? SafeStr(JsonElement e, string name)
    {
        if (!Prop(e, name, out var v)) return null;
        if (JsonText.Find(v) is not null) return null;
        var s = Str(e, name);
        return s is { Length: > 0 and <= 255 } ? s : null;
    }

    /// <summary>Unix seconds (WhatsApp, a string) or milliseconds (Instagram, a number) as ISO text; absent → null, unusable → rejected.</summary>
    private static string? Timestamp(JsonElement e, string name, bool seconds)
    {
        if (!Prop(e, name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        var text = v.ValueKind switch { JsonValueKind.String => v.GetString()!, JsonValueKind.Number => v.GetRawText(), _ => "" };
        var max = seconds ? 253_402_300_799L : 253_402_300_799_999L; // 9999-12-31T23:59:59Z
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 0 || n > max)
            throw new Unreadable($"{name} must be a whole number of Unix {(seconds ? "seconds" : "milliseconds")} from 0 to {max} (got '{(text.Length > 40 ? text[..40] + "…" : text)}')");
        var t = seconds ? DateTimeOffset.FromUnixTimeSeconds(n) : DateTimeOffset.FromUnixTimeMilliseconds(n);
        return t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
    }
}
