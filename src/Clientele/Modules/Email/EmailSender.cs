using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Channels;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Email;

/// <summary>An outbound email, composed from the conversation: what is handed to the SMTP relay.</summary>
public sealed record OutgoingEmail(string From, string? FromName, string? ReplyTo, string To, string? ToName, string Subject,
    string MessageId, string? InReplyTo, IReadOnlyList<string> References, string Body);

/// <summary>
/// Sends email replies through the configured SMTP relay (Smtp__*): From the channel's
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
        using var mail = ToMailMessage(email);
        using var client = new SmtpClient(options.SmtpHost!, options.SmtpPort)
        {
            DeliveryMethod = SmtpDeliveryMethod.Network,
            EnableSsl = options.SmtpEnableSsl,
            UseDefaultCredentials = false,
            Timeout = (int)options.SmtpTimeout.TotalMilliseconds,
        };
        if (options.SmtpUsername is { } user) client.Credentials = new NetworkCredential(user, options.SmtpPassword ?? "");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.SmtpTimeout);
        try
        {
            await client.SendMailAsync(mail, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new RetryLaterException($"SMTP {options.SmtpHost}:{options.SmtpPort} did not answer within {options.SmtpTimeout.TotalSeconds:0} s", null, e);
        }
        catch (SmtpException e)
        {
            throw Classify(e);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new RetryLaterException($"SMTP {options.SmtpHost}:{options.SmtpPort} unreachable: {e.Message}", null, e);
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

    /// <summary>4xx and transport failures are worth another try; 5xx are the relay's final word.</summary>
    internal Exception Classify(SmtpException e)
    {
        var code = (int)e.StatusCode;
        var inner = e.InnerException is { } i && !e.Message.Contains(i.Message, StringComparison.Ordinal) ? $" ({i.Message})" : "";
        var detail = $"SMTP {(code > 0 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : "failure")} from {options.SmtpHost}:{options.SmtpPort}: {e.Message}{inner}";
        return code is >= 500 and < 600 ? new PermanentJobException(detail, e) : new RetryLaterException(detail, null, e);
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

    internal static MailMessage ToMailMessage(OutgoingEmail e)
    {
        var body = e.Body.ReplaceLineEndings("\r\n");
        var mail = new MailMessage
        {
            From = new MailAddress(e.From, e.FromName, Encoding.UTF8),
            Subject = e.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            Body = body,
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = body.All(c => c < 128) ? TransferEncoding.SevenBit : TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        try
        {
            mail.To.Add(new MailAddress(e.To, e.ToName, Encoding.UTF8));
            if (e.ReplyTo is not null) mail.ReplyToList.Add(new MailAddress(e.ReplyTo));
        }
        catch (FormatException ex)
        {
            mail.Dispose();
            throw new PermanentJobException($"invalid email address: {ex.Message}", ex);
        }
        mail.Headers.Add("Message-ID", e.MessageId);
        if (e.InReplyTo is not null) mail.Headers.Add("In-Reply-To", e.InReplyTo);
        if (e.References.Count > 0) mail.Headers.Add("References", string.Join(' ', e.References));
        return mail;
    }
}
