using Clientele.Modules.Sales.Deals;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>What an acceptance link opens: the quote, or why the link does not work ("invalid", "expired").</summary>
public sealed record QuoteLinkView(string State, QuoteLink? Link, QuoteDocument? Quote)
{
    public bool Open => State == "open";
}

/// <summary>
/// The customer's answer from the public link (/quotes/accept/{token}, no sign-in): accept sets
/// status accepted and accepted_at and moves the deal forward to the stage chosen when the quote was
/// sent (negotiation by default, or closed_won); decline sets declined. Only a sent quote still
/// within valid_until can be answered; answering the same way twice changes nothing. The token names
/// the organization; everything runs under that organization's RLS with the system as the actor.
/// </summary>
public static class AcceptQuote
{
    public static async Task<QuoteLinkView> FindAsync(TenantSessions sessions, QuoteTokens tokens, string? token, DateTime now, CancellationToken ct)
    {
        if (tokens.Read(token) is not { } link) return new("invalid", null, null);
        await using var s = sessions.Open(System(link.OrganizationId));
        var q = await QuoteDocument.ReadAsync(s, link.QuoteId, ct);
        if (q is null) return new("invalid", link, null);
        if (q.Status is "accepted" or "declined") return new(q.Status, link, q);
        if (link.ExpiredAt(now) || q.Status == "expired" || q.ValidUntil <= now) return new("expired", link, q);
        return new(q.Status == "sent" ? "open" : "invalid", link, q);
    }

    public static TenantContext System(Guid org) => new() { OrganizationId = org, ActorType = "system" };

    public static async Task<ActionOutcome> AcceptAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct) => await AnswerAsync(s, id, "accepted", now, ct);

    public static async Task<ActionOutcome> DeclineAsync(TenantSession s, Guid id, DateTime now, CancellationToken ct) => await AnswerAsync(s, id, "declined", now, ct);

    private static async Task<ActionOutcome> AnswerAsync(TenantSession s, Guid id, string answer, DateTime now, CancellationToken ct)
    {
        var before = await SalesRows.ReadAsync(s, "quotes", id, ct, forUpdate: true);
        if (before is null || before["deleted_at"] is not null) return ActionOutcome.Missing($"No quote with id {id}.");
        var q = (await QuoteDocument.ReadAsync(s, id, ct))!;
        if (q.Status == answer) return ActionOutcome.Done;
        if (q.Status != "sent") return ActionOutcome.NotIn(q.Status, "only a sent quote can be accepted or declined");
        if (q.ValidUntil is { } until && until <= now) return ActionOutcome.NotIn("expired", $"the quote was valid until {until:yyyy-MM-dd HH:mm} UTC");
        await s.ExecuteAsync("""
            UPDATE quotes SET status = $3, accepted_at = CASE WHEN $3 = 'accepted' THEN $4 ELSE NULL END, updated_by = $5
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, answer, now, SqlArg.Uuid(s.Tenant.ActorId)], ct);
        await SalesRows.UpdatedAsync(s, "quotes", id, before, ct, answer == "accepted" ? "quote.accepted" : "quote.declined");
        if (answer == "accepted" && q.DealId is { } deal) await MoveDealAsync(s, deal, q.OnAccept ?? "negotiation", ct);
        return ActionOutcome.Done;
    }

    /// <summary>Forward only: a deal already at or past the stage (or closed) stays where it is.</summary>
    private static async Task MoveDealAsync(TenantSession s, Guid deal, string target, CancellationToken ct)
    {
        var stage = await s.QueryFirstAsync("SELECT stage FROM deals WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
            [s.OrganizationId, deal], r => r.GetString(0), ct);
        if (stage is null || DealStages.IsClosed(stage) || Array.IndexOf(DealStages.All, stage) >= Array.IndexOf(DealStages.All, target)) return;
        (await ChangeDealStage.RunAsync(s, deal, new ChangeDealStage.Body(target, null, null), ct)).ThrowIfRefused();
    }
}
