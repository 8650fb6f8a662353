using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Modules.Sales.Deals;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using MimeKit;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>
/// send: a draft (or an already sent quote, to send it again) gets its number (gapless, kept on a
/// resend), status sent and a valid_until (30 days unless given), and goes by email (MailKit through
/// the SMTP relay) with its PDF and the public acceptance link. The mail goes out before the
/// transaction commits: a relay that refuses leaves the quote as it was and gives the number back.
/// </summary>
public static class SendQuote
{
    public sealed record Body(string? To, string? OnAccept, DateTime? ValidUntil);

    public static readonly string[] AcceptStages = ["negotiation", "closed_won"];
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(30);

    public static Task<ActionOutcome> RunAsync(TenantSession s, Guid id, Body body, SmtpRelay relay, QuoteTokens tokens, string linkBase, DateTime now, CancellationToken ct) =>
        IssueAsync(s, id, body, now, (q, to) =>
        {
            var link = $"{linkBase.TrimEnd('/')}/quotes/accept/{tokens.Issue(new QuoteLink(s.OrganizationId, id, q.ValidUntil!.Value))}";
            return InvitationMail.DeliverAsync(relay, Compose(relay, q, to, link), ct);
        }, ct);

    /// <summary>Numbers the quote and marks it sent; deliver (the email) runs before the audit, inside the
    /// transaction. The demo issues its quotes with no delivery (it has no mail relay).</summary>
    public static async Task<ActionOutcome> IssueAsync(TenantSession s, Guid id, Body body, DateTime now, Func<QuoteDocument, string, Task>? deliver, CancellationToken ct)
    {
        if (body.OnAccept is not null && !AcceptStages.Contains(body.OnAccept))
            return ActionOutcome.Invalid("on_accept", "must be negotiation or closed_won (the deal's stage once the customer accepts)");
        if (body.ValidUntil is { } v && v.ToUniversalTime() <= now) return ActionOutcome.Invalid("valid_until", "must be in the future");
        if (body.To is not null && !MailboxAddress.TryParse(body.To, out _)) return ActionOutcome.Invalid("to", "is not an email address");

        var before = await SalesRows.ReadAsync(s, "quotes", id, ct, forUpdate: true);
        if (before is null || before["deleted_at"] is not null) return ActionOutcome.Missing($"No quote with id {id}.");
        var q = (await QuoteDocument.ReadAsync(s, id, ct))!;
        if (q.Status is not ("draft" or "sent")) return ActionOutcome.NotIn(q.Status, "only a draft or sent quote can be sent");
        if (q.Lines.Count == 0) return ActionOutcome.Invalid("line_items", "a quote needs at least one line before it is sent");
        var to = body.To ?? q.BuyerEmail;
        if (to is null || !MailboxAddress.TryParse(to, out _)) return ActionOutcome.Invalid("to", "is required: the quote's customer (or its deal's customer or lead) has no email address");
        var validUntil = body.ValidUntil?.ToUniversalTime() ?? q.ValidUntil ?? now.Add(DefaultValidity);
        if (validUntil <= now) return ActionOutcome.Invalid("valid_until", "has passed: give a later valid_until to send the quote again");
        var onAccept = body.OnAccept ?? q.OnAccept ?? "negotiation";
        // Accepting will win the deal: say now if its subscription cannot be applied then.
        if (onAccept == "closed_won" && q.DealId is { } deal && (await DealSubscription.CheckAsync(s, deal, ct)).Refusal is { Status: 422 } cannot)
            return cannot;

        var number = q.Number ?? await QuoteNumbering.NextAsync(s, now, ct);
        var meta = new JsonObject { ["on_accept"] = onAccept, ["sent_to"] = to, ["sent_at"] = now.ToString("O", CultureInfo.InvariantCulture) };
        await s.ExecuteAsync("""
            UPDATE quotes SET quote_number = $3, status = 'sent', valid_until = $4, extra_metadata = coalesce(extra_metadata, '{}'::jsonb) || $5, updated_by = $6
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, number, validUntil, meta, SqlArg.Uuid(s.Tenant.ActorId)], ct);
        if (deliver is not null) await deliver((await QuoteDocument.ReadAsync(s, id, ct))!, to);
        await SalesRows.UpdatedAsync(s, "quotes", id, before, ct);
        await Clientele.Platform.Audit.ActivityFeed.WriteAsync(s, "quote.sent", "quotes", id, number, new JsonObject { ["to"] = to }, ct);
        return ActionOutcome.Done;
    }

    private static MimeMessage Compose(SmtpRelay relay, QuoteDocument q, string to, string link)
    {
        var total = q.Total.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + q.Currency;
        var until = q.ValidUntil!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var greeting = q.BuyerName is { Length: > 0 } n ? $"Hello {n}," : "Hello,";
        var builder = new BodyBuilder
        {
            TextBody = $"""
                {greeting}

                {q.Organization} sent you quote {q.Number} for {total}, valid until {until}. The PDF is attached.

                Review and accept it here: {link}

                {q.Organization}
                """,
            HtmlBody = $"""
                <p>{WebUtility.HtmlEncode(greeting)}</p>
                <p>{WebUtility.HtmlEncode(q.Organization)} sent you quote <strong>{q.Number}</strong> for <strong>{total}</strong>, valid until {until}. The PDF is attached.</p>
                <p><a href="{WebUtility.HtmlEncode(link)}">Review and accept the quote</a></p>
                """,
        };
        builder.Attachments.Add(QuotePdf.FileName(q), QuotePdf.Render(q), new ContentType("application", "pdf"));
        var message = new MimeMessage();
        message.From.Add(relay.From(q.Organization));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Quote {q.Number} from {q.Organization}";
        message.Body = builder.ToMessageBody();
        return message;
    }
}
