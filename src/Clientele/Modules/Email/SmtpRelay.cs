using System.Globalization;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Clientele.Modules.Email;

/// <summary>Why the relay did not take a message; Transient when trying again later may work (4xx, unreachable, timeout).</summary>
public sealed class MailRelayException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}

/// <summary>
/// The product's own mail (invitations, password resets, notifications) through the SMTP relay of
/// Smtp__* with MailKit: one connection per message, the configured timeout, STARTTLS or implicit TLS
/// as the email channel does. Failures come back as <see cref="MailRelayException"/> with the relay's words.
/// </summary>
public sealed class SmtpRelay(EmailOptions options)
{
    public bool Configured => options.SmtpConfigured;

    /// <summary>The sender the product's own mail uses (Smtp__FromAddress).</summary>
    public MailboxAddress From(string? name = "Clientele") => new(name, options.SmtpFromAddress ?? "noreply@clientele.invalid");

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        if (!options.SmtpConfigured) throw new MailRelayException("Email is not configured on this server: set Smtp__Host (and Smtp__FromAddress).", transient: false);
        if (message.From.Count == 0) message.From.Add(From());
        var where = $"{options.SmtpHost}:{options.SmtpPort}";
        using var client = new SmtpClient { Timeout = (int)options.SmtpTimeout.TotalMilliseconds };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.SmtpTimeout);
        try
        {
            var security = !options.SmtpEnableSsl ? SecureSocketOptions.None
                : options.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, security, timeout.Token);
            if (options.SmtpUsername is { } user) await client.AuthenticateAsync(user, options.SmtpPassword ?? "", timeout.Token);
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new MailRelayException($"SMTP {where} did not answer within {options.SmtpTimeout.TotalSeconds:0} s", true, e);
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            throw new MailRelayException($"SMTP {code.ToString(CultureInfo.InvariantCulture)} from {where}: {e.Message}", code is < 500 or >= 600, e);
        }
        catch (AuthenticationException e)
        {
            throw new MailRelayException($"SMTP {where} refused the credentials (Smtp__Username/Smtp__Password): {e.Message}", false, e);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SslHandshakeException or ServiceNotConnectedException)
        {
            throw new MailRelayException($"SMTP {where} unreachable: {e.Message}", true, e);
        }
    }

    /// <summary>A message with a text part and an HTML alternative (multipart/alternative), marked as machine-sent
    /// (Auto-Submitted: auto-generated, RFC 3834) so that out-of-office responders do not answer it.</summary>
    public static MimeMessage Compose(MailboxAddress to, string subject, string text, string html)
    {
        var message = new MimeMessage();
        message.To.Add(to);
        message.Subject = subject;
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    /// <summary>Attaches a file to a composed message: the body becomes multipart/mixed (the text/HTML first, then the file, base64).</summary>
    public static MimeMessage Attach(MimeMessage message, string fileName, byte[] content, string mediaType)
    {
        var file = new MimePart(ContentType.Parse(mediaType))
        {
            Content = new MimeContent(new MemoryStream(content)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = fileName,
        };
        if (message.Body is Multipart { ContentType.MediaSubtype: "mixed" } mixed) mixed.Add(file);
        else message.Body = message.Body is null ? file : new Multipart("mixed") { message.Body, file };
        return message;
    }
}
