using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Channels;
using Clientele.Platform.Jobs;
using MimeKit;
using MimeKit.Text;

namespace Clientele.Modules.Email;

/// <summary>An outbound email, composed from the conversation: what is handed to the SMTP relay.</summary>
public sealed record OutgoingEmail(string From, string? FromName, string? ReplyTo, string To, string? ToName, string Subject,
    string MessageId, string? InReplyTo, IReadOnlyList<string> References, string Body);

/// <summary>
/// Sends email replies through the configured SMTP relay (Smtp__*) with MailKit: From the channel's
/// settings.from_address (or Smtp__FromAddress, or the channel address), To the conversation's
/// customer, Subject "Re: &lt;subject&gt;", a new Message-ID &lt;{message id}@{sender domain}&gt;
/// (returned as the platform message id, so a resend after a crash keeps it), and In-Reply-To /
/// References from the latest inbound email so that mail clients thread the reply.
/// Connection failures, timeouts and 4xx replies are retried by the outbox; 5xx replies and a
/// missing SMTP configuration fail the message at once.
/// </summary>
public sealed partial class EmailSender(EmailOptions options, SmtpRelay relay) : IChannelSender
{
    /// <summary>Header lines stay well under RFC 5322's 998 characters.</summary>
    private const int MaxReferencesLength = 900;

    public bool Handles(string platform) => platform == "email";

    public async Task<SendResult> SendAsync(OutboundMessage m, CancellationToken ct)
    {
        if (!relay.Configured)
            throw new PermanentJobException($"SMTP is not configured on this server (set Smtp__Host): cannot send email from channel {m.ChannelExternalId}");
        var email = Compose(m, options.SmtpFromAddress);
        if (m.RecipientBouncing)
            throw new PermanentJobException($"{email.To} bounced before (a delivery status notification said it cannot be delivered): not sent");
        var message = ToMimeMessage(email, m.Automatic);
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e) when (e.Transient)
        {
            // Unreachable, timeout, 4xx: the outbox tries again with backoff.
            throw new RetryLaterException(e.Message, null, e);
        }
        catch (MailRelayException e)
        {
            // 5xx or refused credentials: the relay's final word.
            throw new PermanentJobException(e.Message, e);
        }
        return new SendResult(email.MessageId, new JsonObject
        {
            ["email"] = new JsonObject
            {
                ["from"] = email.From, ["to"] = email.To, ["subject"] = email.Subject, ["message_id"] = email.MessageId,
                ["in_reply_to"] = email.InReplyTo, ["references"] = new JsonArray(email.References.Select(r => (JsonNode)r).ToArray()),
            },
        });
    }

    /// <summary>The reply as mail clients expect it; pure (no I/O), so it is easy to check.</summary>
    public static OutgoingEmail Compose(OutboundMessage m, string? defaultFrom)
    {
        var channelAddress = m.ChannelExternalId.Trim().ToLowerInvariant();
        var from = Str(m.ChannelSettings["from_address"]) ?? defaultFrom ?? channelAddress;
        var fromName = Str(m.ChannelSettings["from_name"]);
        // The conversation's own address first (a stakeholder the CSM writes to, a colleague who
        // replied in the thread); handles are stored in 50 characters, so a longer one falls back
        // to the customer's address rather than risk a truncated one.
        var to = IsDeliverable(m.Recipient) && m.Recipient.Trim().Length < 50 ? m.Recipient.Trim()
            : IsDeliverable(m.RecipientEmail) ? m.RecipientEmail!.Trim()
            : throw new PermanentJobException($"the conversation's customer has no email address to reply to (customer email: {m.RecipientEmail ?? "none"})");
        var at = from.LastIndexOf('@');
        var domain = at > 0 && at < from.Length - 1 ? from[(at + 1)..] : "clientele.invalid";
        var thread = m.ConversationMetadata["thread"] as JsonObject;
        var inReplyTo = Str(thread?["last_message_id"]);
        var references = thread?["references"] is JsonArray refs ? refs.Select(r => Str(r)).OfType<string>().ToList() : [];
        if (references.Count == 0 && inReplyTo is not null) references.Add(inReplyTo);
        return new OutgoingEmail(from, fromName, string.Equals(from, channelAddress, StringComparison.OrdinalIgnoreCase) ? null : channelAddress,
            to, m.RecipientName, ReplySubject(Str(m.ConversationMetadata["subject"])), $"<{m.MessageId}@{domain}>", inReplyTo, Fit(references), m.Text);
    }

    /// <summary>"Re: " + the subject without its own reply prefixes (no "Re: Re:").</summary>
    public static string ReplySubject(string? subject)
    {
        var bare = ReplyPrefix().Replace(subject ?? "", "").Trim();
        bare = Regex.Replace(bare, @"[\r\n]+", " ");
        return "Re: " + (bare.Length > 0 ? bare : "(no subject)");
    }

    [GeneratedRegex(@"^(\s*(re|aw|sv|antw|ref)(\[\d+\])?\s*:\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();

    /// <summary>The chain within one header line: the thread's first id, then as many of the latest as fit.</summary>
    private static List<string> Fit(List<string> references)
    {
        references = references.Where(r => r.Length > 2 && r.All(c => c is > ' ' and < (char)127)).Distinct().ToList();
        if (references.Sum(r => r.Length + 1) <= MaxReferencesLength) return references;
        var kept = new List<string>();
        var length = references[0].Length + 1;
        for (var i = references.Count - 1; i > 0 && length + references[i].Length + 1 <= MaxReferencesLength; i--)
        {
            kept.Insert(0, references[i]);
            length += references[i].Length + 1;
        }
        kept.Insert(0, references[0]);
        return kept;
    }

    private static bool IsDeliverable(string? address) =>
        address is { Length: > 2 } a && !a.TrimEnd().EndsWith(".invalid", StringComparison.OrdinalIgnoreCase) && Clientele.Platform.Http.Validation.IsEmail(a.Trim());

    private static string? Str(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s.Trim() : null;

    /// <summary>
    /// The MIME message: multipart/alternative with the text/plain UTF-8 part first (7bit when
    /// ASCII, else quoted-printable) and the same words as HTML (escaped, paragraphs and line
    /// breaks kept), our Message-ID and the thread's In-Reply-To/References as composed. A reply the
    /// AI wrote carries Auto-Submitted: auto-replied (RFC 3834), so well-behaved responders
    /// (out-of-office) do not answer it; a person's message does not.
    /// </summary>
    internal static MimeMessage ToMimeMessage(OutgoingEmail e, bool automatic = false)
    {
        var message = new MimeMessage();
        try
        {
            message.From.Add(new MailboxAddress(e.FromName, e.From));
            message.To.Add(new MailboxAddress(e.ToName, e.To));
            if (e.ReplyTo is not null) message.ReplyTo.Add(MailboxAddress.Parse(e.ReplyTo));
        }
        catch (Exception ex) when (ex is ParseException or ArgumentException)
        {
            throw new PermanentJobException($"invalid email address: {ex.Message}", ex);
        }
        message.Subject = e.Subject;
        message.Headers.Replace(HeaderId.MessageId, e.MessageId);
        if (e.InReplyTo is not null) message.Headers.Replace(HeaderId.InReplyTo, e.InReplyTo);
        if (e.References.Count > 0) message.Headers.Replace(HeaderId.References, string.Join(' ', e.References));
        if (automatic) message.Headers.Replace("Auto-Submitted", "auto-replied");
        var body = e.Body.ReplaceLineEndings("\r\n");
        var text = new TextPart(TextFormat.Plain)
        {
            ContentTransferEncoding = body.All(c => c < 128) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable,
        };
        text.SetText(Encoding.UTF8, body);
        var html = new TextPart(TextFormat.Html) { ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        html.SetText(Encoding.UTF8, Html(e.Body));
        message.Body = new MultipartAlternative { text, html };
        return message;
    }

    /// <summary>The text as HTML: escaped, blank lines between paragraphs, single line breaks as &lt;br&gt;.</summary>
    internal static string Html(string text)
    {
        var paragraphs = Regex.Split(text.ReplaceLineEndings("\n").Trim(), @"\n\s*\n")
            .Select(p => "<p>" + string.Join("<br>\r\n", p.Split('\n').Select(System.Net.WebUtility.HtmlEncode)) + "</p>");
        return "<!doctype html><html><body style=\"font-family:system-ui,sans-serif\">\r\n" + string.Join("\r\n", paragraphs) + "\r\n</body></html>";
    }
}
