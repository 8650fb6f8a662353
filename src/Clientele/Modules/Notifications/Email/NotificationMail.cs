using System.Net;
using System.Text;
using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace Clientele.Modules.Notifications.Email;

/// <summary>One owed email (a notification_emails row) and whom it goes to.</summary>
public sealed record PendingEmail(Guid Id, string Type, string Category, string Title, string Message, string? Link, string Frequency, DateTime CreatedAt);

public sealed record EmailRecipient(Guid UserId, string Email, string? Name, bool Active);

/// <summary>
/// Writes notification emails (one notification, or a digest of several: text + HTML through
/// MailKit's <see cref="SmtpRelay"/>) and records the outcome on their rows: sent, skipped (no SMTP
/// on this server, the user gone) or failed (the relay's permanent refusal). A transient relay
/// failure throws <see cref="RetryLaterException"/> and changes nothing.
/// </summary>
public sealed class NotificationMail(SmtpRelay relay, IConfiguration config, IServer server)
{
    /// <summary>Links start with App__PublicBaseUrl, else the address this node listens on.</summary>
    public string LinkBase => config["App:PublicBaseUrl"] is { Length: > 0 } b ? b.Trim().TrimEnd('/')
        : server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.TrimEnd('/') ?? "http://localhost";

    /// <summary>Sends the items as one email (a digest when more than one) and marks them; returns true when a mail went out.</summary>
    public async Task<bool> DeliverAsync(TenantSession s, EmailRecipient to, IReadOnlyList<PendingEmail> items, CancellationToken ct)
    {
        if (items.Count == 0) return false;
        var ids = items.Select(i => i.Id).ToArray();
        if (!to.Active) { await MarkAsync(s, ids, "skipped", "the user is deactivated or removed", ct); return false; }
        if (!relay.Configured) { await MarkAsync(s, ids, "skipped", "SMTP is not configured on this server (Smtp__Host)", ct); return false; }
        // An address a bounce marked undeliverable (email_bounces) only bounces again: skipped until someone clears it.
        if (await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM email_bounces WHERE organization_id = $1 AND address = lower($2))", [s.OrganizationId, to.Email], ct))
        {
            await MarkAsync(s, ids, "skipped", $"{to.Email} bounced before (Settings > Bounced email clears it)", ct);
            return false;
        }
        var message = Compose(to, items);
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e) when (e.Transient)
        {
            throw new RetryLaterException(e.Message, null, e);
        }
        catch (MailRelayException e)
        {
            await MarkAsync(s, ids, "failed", e.Message, ct);
            return false;
        }
        await MarkAsync(s, ids, "sent", null, ct);
        return true;
    }

    private static Task MarkAsync(TenantSession s, Guid[] ids, string status, string? error, CancellationToken ct) =>
        s.ExecuteAsync("""
            UPDATE notification_emails SET status = $3, error = $4, sent_at = CASE WHEN $3 = 'sent' THEN now() END
            WHERE organization_id = $1 AND id = ANY($2)
            """, [s.OrganizationId, ids, status, error], ct);

    public MimeMessage Compose(EmailRecipient to, IReadOnlyList<PendingEmail> items)
    {
        var settings = $"{LinkBase}/app/notifications";
        var text = new StringBuilder();
        var html = new StringBuilder("<div style=\"font-family:system-ui,sans-serif;max-width:40rem\">");
        string subject;
        if (items.Count == 1)
        {
            var n = items[0];
            subject = n.Title;
            text.Append(n.Message).Append("\n\n");
            if (n.Link is { } l) text.Append("Open: ").Append(Absolute(l)).Append("\n\n");
            html.Append("<p>").Append(E(n.Message)).Append("</p>");
            if (n.Link is { } hl) html.Append("<p><a href=\"").Append(E(Absolute(hl))).Append("\">Open in Clientele</a></p>");
        }
        else
        {
            var kind = items.Select(i => i.Frequency).Distinct().Count() == 1 ? items[0].Frequency + " " : "";
            subject = $"Your {kind}digest: {items.Count} notifications";
            text.Append($"{items.Count} notifications since your last digest:\n\n");
            html.Append($"<p>{items.Count} notifications since your last digest:</p><ul>");
            foreach (var n in items.OrderBy(i => i.CreatedAt))
            {
                text.Append("* ").Append(n.Title).Append(" (").Append(n.CreatedAt.ToString("yyyy-MM-dd HH:mm")).Append(" UTC)\n  ").Append(n.Message).Append('\n');
                if (n.Link is { } l) text.Append("  ").Append(Absolute(l)).Append('\n');
                text.Append('\n');
                html.Append("<li><p><strong>").Append(n.Link is { } hl ? $"<a href=\"{E(Absolute(hl))}\">{E(n.Title)}</a>" : E(n.Title)).Append("</strong> <small>")
                    .Append(n.CreatedAt.ToString("yyyy-MM-dd HH:mm")).Append(" UTC</small><br>").Append(E(n.Message)).Append("</p></li>");
            }
            html.Append("</ul>");
        }
        text.Append("--\nYou get this email because of your notification settings: ").Append(settings).Append('\n');
        html.Append("<p style=\"color:#555;font-size:small\">You get this email because of your <a href=\"").Append(E(settings)).Append("\">notification settings</a>.</p></div>");
        return SmtpRelay.Compose(new MailboxAddress(to.Name, to.Email), subject, text.ToString(), html.ToString());
    }

    private string Absolute(string link) => link.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        ? link : LinkBase + (link.StartsWith('/') ? link : "/" + link);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
