using System.Net;
using Clientele.Modules.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace Clientele.Modules.Support;

/// <summary>
/// Emails a staff reply to the person who opened the ticket (else the organization's email) through
/// the SMTP relay (MailKit). Runs in the organization's own session, where internal notes are
/// invisible: an internal note can never be mailed, even by mistake. A relay that refuses the
/// address dead-letters the row; an unreachable relay is retried.
/// </summary>
public sealed class SupportReplyEmailJob(SmtpRelay relay, IConfiguration config) : IJobHandler
{
    public const string TopicName = "support.reply_email";
    public string Topic => TopicName;

    public sealed record Payload(Guid CommentId, Guid TicketId);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var p = job.Read<Payload>();
        var s = job.Session;
        var ticket = await SupportThreads.TicketAsync(s, p.TicketId, ct);
        var reply = ticket is null ? null : (await SupportThreads.CommentsAsync(s, p.TicketId, ct)).FirstOrDefault(c => c.Id == p.CommentId && c.FromStaff);
        if (ticket is null || reply is null) return; // deleted, or not a public staff reply
        var to = ticket.OpenedByEmail ?? await s.ScalarAsync<string>("SELECT email FROM organizations WHERE id = $1", [s.OrganizationId], ct);
        if (string.IsNullOrWhiteSpace(to)) return;
        var link = config["App:PublicBaseUrl"] is { Length: > 0 } b ? $"{b.Trim().TrimEnd('/')}/app/support/{ticket.Id}" : $"/app/support/{ticket.Id} in your Clientele console";
        var text = $"""
            {reply.AuthorName} replied to your ticket "{ticket.Subject}":

            {reply.Text}

            Read the conversation and answer: {link}
            """;
        var html = $"""
            <p>{E(reply.AuthorName)} replied to your ticket <strong>{E(ticket.Subject)}</strong>:</p>
            <blockquote style="white-space:pre-wrap">{E(reply.Text)}</blockquote>
            <p>Read the conversation and answer: {E(link)}</p>
            """;
        var message = SmtpRelay.Compose(new MailboxAddress(ticket.OpenedBy, to), $"[Clientele support] Re: {ticket.Subject}", text, html);
        message.From.Add(relay.From("Clientele support"));
        try
        {
            await relay.SendAsync(message, ct);
        }
        catch (MailRelayException e) when (!e.Transient)
        {
            throw new PermanentJobException(e.Message, e);
        }
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
