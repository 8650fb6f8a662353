using Clientele.Modules.Email;
using Clientele.Platform.Jobs;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>An email a trigger or workflow step queued (the send_email action).</summary>
public sealed record AutomationEmail(string[] To, string Subject, string Body, string Source, Guid SourceId);

/// <summary>
/// Sends a queued automation email through the email channel's SMTP relay (Smtp__*, MailKit), from
/// Smtp__FromAddress. Unreachable relays and 4xx replies are retried by the outbox; a 5xx reply or
/// no SMTP configured dead-letters the row (its last_error says why).
/// </summary>
public sealed class AutomationEmailJob(EmailOptions options) : IJobHandler
{
    public const string TopicName = "automation.email";
    public string Topic => TopicName;

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var email = job.Read<AutomationEmail>();
        if (!options.SmtpConfigured) throw new PermanentJobException("SMTP is not configured on this server (set Smtp__Host): the automation email was not sent");
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.SmtpFromAddress ?? "automation@clientele.invalid"));
        foreach (var to in email.To) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = email.Subject;
        message.Body = new TextPart("plain") { Text = email.Body };
        message.Headers.Add("X-Clientele-Automation", $"{email.Source}/{email.SourceId}");
        using var client = new SmtpClient { Timeout = (int)options.SmtpTimeout.TotalMilliseconds };
        var security = !options.SmtpEnableSsl ? SecureSocketOptions.None : options.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        try
        {
            await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, security, ct);
            if (options.SmtpUsername is { } user) await client.AuthenticateAsync(user, options.SmtpPassword ?? "", ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            throw new PermanentJobException($"SMTP {(int)e.StatusCode}: {e.Message}", e);
        }
    }
}
