using System.Net;
using Clientele.Modules.Email;
using Clientele.Platform.Errors;
using MimeKit;

namespace Clientele.Modules.Team.Invitations;

/// <summary>The invitation email (text + HTML) and its delivery; a relay failure is a problem the caller shows (nothing is kept).</summary>
public static class InvitationMail
{
    public static async Task SendAsync(SmtpRelay relay, string to, string organization, string inviter, string role, string link, DateTime expiresAt, CancellationToken ct)
    {
        var subject = $"{inviter} invited you to {organization} on Clientele";
        var text = $"""
            {inviter} invited you to join {organization} on Clientele as {Article(role)} {role}.

            Accept the invitation: {link}

            The link works once and expires on {expiresAt:yyyy-MM-dd HH:mm} UTC. If you did not expect it, ignore this email.
            """;
        var html = $"""
            <p>{E(inviter)} invited you to join <strong>{E(organization)}</strong> on Clientele as {Article(role)} {E(role)}.</p>
            <p><a href="{E(link)}">Accept the invitation</a></p>
            <p style="color:#555">The link works once and expires on {expiresAt:yyyy-MM-dd HH:mm} UTC. If you did not expect it, ignore this email.</p>
            """;
        await DeliverAsync(relay, SmtpRelay.Compose(new MailboxAddress(null, to), subject, text, html), ct);
    }

    /// <summary>Sends, or throws the problem the API and console show: 503 without SMTP or with the relay unreachable, 422 on the email when it refuses the address.</summary>
    public static async Task DeliverAsync(SmtpRelay relay, MimeMessage message, CancellationToken ct)
    {
        if (!relay.Configured)
            throw new ProblemException(503, "Email is not configured", "Sending this email needs the SMTP relay: set Smtp__Host (and Smtp__FromAddress, Smtp__Port, Smtp__Username, Smtp__Password).");
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e) when (e.Transient)
        {
            throw new ProblemException(503, "The mail relay is not available", e.Message + " Try again in a moment.");
        }
        catch (MailRelayException e)
        {
            // A permanent refusal (5xx) is about this address as far as the sender can tell.
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["email"] = ["was refused by the mail server: " + e.Message] },
                "The mail server refused to deliver to this address; nothing was saved.");
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string Article(string role) => role is "admin" ? "an" : "a";
}
