using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Channels;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;

namespace Clientele.Modules.Email;

/// <summary>
/// The inbound email JSON (docs/channels-email.md) → one normalized InboundItem: platform "email",
/// channel id = the lower-cased "to" address, external id = the Message-ID. Nothing here throws on
/// input (issue 8): an email with field errors becomes a rejected item for its "to" channel (the
/// errors are also returned to the sender), and one whose "to" cannot be read is unroutable.
/// </summary>
public static partial class InboundEmailParser
{
    /// <summary>The Message-ID becomes messages.platform_message_id (varchar(100)).</summary>
    public const int MaxIdLength = InboundRejects.MaxMessageIdLength;

    public sealed record Parsed(InboundItem Item, IDictionary<string, string[]>? Errors);

    public static Parsed Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return new Parsed(InboundRejects.Unroutable("email", root, "the body is not a JSON object"), new Dictionary<string, string[]> { ["_"] = ["the body must be a JSON object"] });
        if (JsonText.Find(root) is { } bad)
        {
            var errs = new Dictionary<string, string[]> { [bad.Path] = [bad.Reason] };
            var channel = bad.Path == "to" ? null : SafeTo(root);
            return new Parsed(channel is null ? InboundRejects.Unroutable("email", root, $"{bad.Path} {bad.Reason}")
                : InboundRejects.Reject("email", channel, "message", root, $"{bad.Path} {bad.Reason}"), errs);
        }
        try { return new Parsed(ParseChecked(root), null); }
        catch (ProblemException p) when (p.Errors is not null)
        {
            var reason = string.Join("; ", p.Errors.Select(kv => $"{kv.Key} {string.Join(", ", kv.Value)}"));
            var channel = p.Errors.ContainsKey("to") ? null : SafeTo(root);
            return new Parsed(channel is null ? InboundRejects.Unroutable("email", root, reason) : InboundRejects.Reject("email", channel, "message", root, reason), p.Errors);
        }
    }

    /// <summary>The lower-cased "to" address of an email whose text is already known to be clean, or null.</summary>
    private static string? SafeTo(JsonElement root)
    {
        if (root.TryGetProperty("to", out var to) && JsonText.Find(to) is not null) return null;
        return Address(root, "to", new FieldErrors(), required: true)?.Address.ToLowerInvariant();
    }

    private static InboundItem ParseChecked(JsonElement root)
    {
        var errors = new FieldErrors();

        var to = Address(root, "to", errors, required: true);
        string? fromEmail = null, fromName = null;
        if (!root.TryGetProperty("from", out var from) || from.ValueKind == JsonValueKind.Null) errors.Add("from", "is required");
        else if (from.ValueKind == JsonValueKind.String)
        {
            if (TryMailbox(from.GetString(), out var a) && a.Address.Length <= 100) (fromEmail, fromName) = (a.Address, a.DisplayName);
            else errors.Add("from", "is not an email address");
        }
        else if (from.ValueKind == JsonValueKind.Object)
        {
            fromEmail = Address(from, "email", errors, required: true, field: "from.email")?.Address;
            fromName = String(from, "name", errors, "from.name");
        }
        else errors.Add("from", "must be an object {\"email\", \"name\"} or a string");

        var messageId = String(root, "message_id", errors);
        if (messageId is null) { if (!errors.ToDictionary().ContainsKey("message_id")) errors.Add("message_id", "is required"); }
        else if (Ids(messageId) is not [var id]) errors.Add("message_id", "must be one Message-ID, e.g. <unique@example.com>");
        else if (id.Length > MaxIdLength) errors.Add("message_id", $"is longer than {MaxIdLength} characters");
        else messageId = id;

        var subject = String(root, "subject", errors);
        var text = String(root, "text", errors);
        var html = String(root, "html", errors);
        var inReplyTo = String(root, "in_reply_to", errors) is { } irt ? Ids(irt).FirstOrDefault() : null;

        var references = new List<string>();
        if (root.TryGetProperty("references", out var refs))
        {
            if (refs.ValueKind == JsonValueKind.String) references.AddRange(Ids(refs.GetString()!));
            else if (refs.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in refs.EnumerateArray())
                {
                    if (r.ValueKind != JsonValueKind.String) { errors.Add("references", "must be an array of Message-IDs (strings)"); break; }
                    references.AddRange(Ids(r.GetString()!));
                }
            }
            else if (refs.ValueKind != JsonValueKind.Null) errors.Add("references", "must be an array of Message-IDs or a string");
        }

        DateTimeOffset? date = null;
        if (String(root, "date", errors) is { } d)
        {
            if (ParseDate(d) is { } parsed) date = parsed;
            else errors.Add("date", "is not an RFC 3339 date-time (e.g. 2025-07-01T09:30:00Z)");
        }

        var attachments = new JsonArray();
        if (root.TryGetProperty("attachments", out var atts) && atts.ValueKind != JsonValueKind.Null)
        {
            if (atts.ValueKind != JsonValueKind.Array) errors.Add("attachments", "must be an array of {\"filename\", \"content_type\", \"size\"}");
            else
            {
                var i = 0;
                foreach (var a in atts.EnumerateArray())
                {
                    if (a.ValueKind != JsonValueKind.Object) { errors.Add($"attachments[{i}]", "must be an object"); continue; }
                    var contentType = String(a, "content_type", errors, $"attachments[{i}].content_type");
                    long? size = null;
                    if (a.TryGetProperty("size", out var sz) && sz.ValueKind != JsonValueKind.Null)
                    {
                        if (sz.ValueKind == JsonValueKind.Number && sz.TryGetInt64(out var n) && n >= 0) size = n;
                        else errors.Add($"attachments[{i}].size", "must be a non-negative integer (bytes)");
                    }
                    attachments.Add(new JsonObject
                    {
                        ["type"] = contentType?.Split('/')[0] is "image" or "video" or "audio" ? contentType.Split('/')[0] : "document",
                        ["filename"] = String(a, "filename", errors, $"attachments[{i}].filename"),
                        ["mime_type"] = contentType,
                        ["size"] = size,
                    });
                    i++;
                }
            }
        }
        errors.ThrowIfAny();

        var body = !string.IsNullOrWhiteSpace(text) ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim()
            : !string.IsNullOrWhiteSpace(html) ? HtmlToText(html)
            : attachments.Count > 0 ? "[" + string.Join(", ", attachments.Select(a => a!["filename"]?.GetValue<string>() ?? "attachment")) + "]"
            : "";
        var sender = fromEmail!.ToLowerInvariant();
        var payload = new JsonObject
        {
            ["from"] = sender,
            ["name"] = string.IsNullOrWhiteSpace(fromName) ? null : InboundRejects.Name(fromName.Trim()),
            ["email"] = sender,
            ["to"] = to!.Address.ToLowerInvariant(),
            ["message_id"] = messageId,
            ["timestamp"] = (date ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["type"] = "email",
            ["text"] = body,
            ["subject"] = subject?.Trim() ?? "",
            ["in_reply_to"] = inReplyTo,
            ["references"] = new JsonArray(references.Where(r => r.Length <= MaxIdLength).Distinct().Select(r => (JsonNode)r).ToArray()),
        };
        if (attachments.Count > 0) payload["attachments"] = attachments;
        var automatic = AutomaticMail.Read(root, sender, text ?? body);
        if (automatic.Kind is { } kind)
        {
            payload["automatic"] = kind;
            if (kind == "bounce")
            {
                payload["bounced"] = new JsonArray(automatic.Bounced.Select(b => (JsonNode)b).ToArray());
                payload["bounce_reason"] = automatic.Reason;
            }
        }
        return new InboundItem("email", to.Address.ToLowerInvariant(), "message", messageId!, payload);
    }

    /// <summary>Message-IDs in a header value: every &lt;…&gt; token, or the whole value (bracketed) when it is one bare id.</summary>
    public static List<string> Ids(string value)
    {
        var ids = IdToken().Matches(value).Select(m => m.Value).ToList();
        if (ids.Count == 0 && value.Trim() is { Length: > 2 } bare && !bare.Any(c => char.IsWhiteSpace(c) || c is '<' or '>') && bare.Contains('@', StringComparison.Ordinal))
            ids.Add("<" + bare + ">");
        return ids.Where(i => i.All(c => c is > ' ' and < (char)127)).ToList();
    }

    [GeneratedRegex(@"<[^<>\s]+>")]
    private static partial Regex IdToken();

    public static DateTimeOffset? ParseDate(string s)
    {
        s = s.Trim();
        if (s.Length >= 10 && char.IsDigit(s[0]) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
            return iso;
        // RFC 5322 dates as mail headers carry them: "Tue, 1 Jul 2025 09:30:00 +0000" (optionally with a "(UTC)" comment).
        var rfc = Regex.Replace(s, @"\s*\([^)]*\)\s*$", "");
        string[] formats = ["ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "ddd, d MMM yyyy HH:mm:ss 'GMT'", "ddd, d MMM yyyy HH:mm:ss 'UT'"];
        var withColon = Regex.Replace(rfc, @"([+-]\d\d)(\d\d)$", "$1:$2");
        return DateTimeOffset.TryParseExact(withColon, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    /// <summary>The readable text of an HTML body: no scripts or styles, block ends as line breaks, entities decoded.</summary>
    public static string HtmlToText(string html)
    {
        var s = Regex.Replace(html, @"<(script|style|head)\b[^>]*>.*?</\1\s*>", "", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        s = Regex.Replace(s, @"<!--.*?-->", "", RegexOptions.Singleline);
        s = Regex.Replace(s, @"<br\s*/?>", "\n", RegexOptions.IgnoreCase);
        s = Regex.Replace(s, @"</(p|div|li|tr|h[1-6]|blockquote|table|ul|ol)\s*>", "\n", RegexOptions.IgnoreCase);
        s = Regex.Replace(s, @"<li\b[^>]*>", "- ", RegexOptions.IgnoreCase);
        s = Regex.Replace(s, @"<[^>]+>", "");
        s = WebUtility.HtmlDecode(s).Replace('\u00a0', ' ');
        var lines = s.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => Regex.Replace(l, @"[ \t]+", " ").Trim());
        var sb = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0) { if (sb.Length > 0) blank++; continue; }
            if (sb.Length > 0) sb.Append(blank > 0 ? "\n\n" : "\n");
            sb.Append(line);
            blank = 0;
        }
        return sb.ToString();
    }

    private static bool TryMailbox(string? value, out MailAddress address)
    {
        address = null!;
        if (string.IsNullOrWhiteSpace(value)) return false;
        try
        {
            address = new MailAddress(value.Trim());
            return address.Address.Contains('@', StringComparison.Ordinal) && address.Host.Length > 0;
        }
        catch (FormatException) { return false; }
    }

    private static MailAddress? Address(JsonElement obj, string name, FieldErrors errors, bool required, string? field = null)
    {
        field ??= name;
        var value = String(obj, name, errors, field);
        if (value is null)
        {
            if (required && !errors.ToDictionary().ContainsKey(field)) errors.Add(field, "is required");
            return null;
        }
        if (TryMailbox(value, out var a) && a.Address.Length <= 100) return a;
        errors.Add(field, "is not an email address");
        return null;
    }

    private static string? String(JsonElement obj, string name, FieldErrors errors, string? field = null)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        errors.Add(field ?? name, "must be a string");
        return null;
    }
}
