using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Channels;
using Clientele.Platform.Jobs;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
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
public sealed partial class EmailSender(EmailOptions options) : IChannelSender
{
    /// <summary>Header lines stay well under RFC 5322's 998 characters.</summary>
    private const int MaxReferencesLength = 900;

    public bool Handles(string platform) => platform == "email";

    public async Task<SendResult> SendAsync(OutboundMessage m, CancellationToken ct)
    {
        if (!options.SmtpConfigured)
            throw new PermanentJobException($"SMTP is not configured on this server (set Smtp__Host): cannot send email from channel {m.ChannelExternalId}");
        var email = Compose(m, options.SmtpFromAddress);
        var message = ToMimeMessage(email);
        using var client = new SmtpClient { Timeout = (int)options.SmtpTimeout.TotalMilliseconds };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.SmtpTimeout);
        var where = $"{options.SmtpHost}:{options.SmtpPort}";
        try
        {
            // Smtp__EnableSsl: implicit TLS on port 465, STARTTLS elsewhere; off: plain SMTP.
            var security = !options.SmtpEnableSsl ? SecureSocketOptions.None
                : options.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, security, timeout.Token);
            if (options.SmtpUsername is { } user) await client.AuthenticateAsync(user, options.SmtpPassword ?? "", timeout.Token);
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new RetryLaterException($"SMTP {where} did not answer within {options.SmtpTimeout.TotalSeconds:0} s", null, e);
        }
        catch (SmtpCommandException e)
        {
            // 4xx: try again later; 5xx: the relay's final word.
            var code = (int)e.StatusCode;
            var detail = $"SMTP {code.ToString(CultureInfo.InvariantCulture)} from {where}: {e.Message}";
            throw code is >= 500 and < 600 ? new PermanentJobException(detail, e) : new RetryLaterException(detail, null, e);
        }
        catch (AuthenticationException e)
        {
            throw new PermanentJobException($"SMTP {where} refused the credentials (Smtp__Username/Smtp__Password): {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SslHandshakeException or ServiceNotConnectedException)
        {
            throw new RetryLaterException($"SMTP {where} unreachable: {e.Message}", null, e);
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
    /// The MIME message: one text/plain UTF-8 part (7bit when ASCII, else quoted-printable, as
    /// before), our Message-ID and the thread's In-Reply-To/References written as composed.
    /// </summary>
    internal static MimeMessage ToMimeMessage(OutgoingEmail e)
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
        var body = e.Body.ReplaceLineEndings("\r\n");
        var text = new TextPart(TextFormat.Plain)
        {
            ContentTransferEncoding = body.All(c => c < 128) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable,
        };
        text.SetText(Encoding.UTF8, body);
        message.Body = text;
        return message;
    }
}
