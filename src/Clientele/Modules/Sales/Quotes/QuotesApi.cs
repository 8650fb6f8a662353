using Clientele.Modules.Email;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>POST /api/v1/quotes/{id}/send|decline and GET /api/v1/quotes/{id}/pdf (docs/sales.md, "Quotes").</summary>
public static class QuotesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/quotes/{id}").WithTags("Sales");
        g.MapPost("/send", async (string id, HttpContext ctx, ActionEndpoint e, SmtpRelay relay, QuoteTokens tokens, IConfiguration config) =>
        {
            var body = await JsonBody.ReadOptionalAsync<SendQuote.Body>(ctx) ?? new(null, null, null);
            var linkBase = InvitationsApi.LinkBase(ctx, config);
            return await e.RunAsync(ctx, "quotes", id, (s, guid) => SendQuote.RunAsync(s, guid, body, relay, tokens, linkBase, DateTime.UtcNow, ctx.RequestAborted));
        }).WithName("SendQuote")
            .WithSummary("{to?, on_accept?: negotiation|closed_won, valid_until?}: number (Q-YYYY-NNNNNN, gapless), status sent, email with the PDF and the public acceptance link; 409 unless draft or sent, 503 without SMTP");
        g.MapPost("/decline", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "quotes", id, (s, guid) => AcceptQuote.DeclineAsync(s, guid, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("DeclineQuote").WithSummary("sent → declined (the customer said no by other means); 409 otherwise");
        g.MapGet("/pdf", async (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant) =>
        {
            if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No quote with id {id}.");
            await using var s = sessions.Open(tenant);
            var q = await QuoteDocument.ReadAsync(s, guid, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No quote with id {id}.");
            return TypedResults.File(QuotePdf.Render(q), "application/pdf", QuotePdf.FileName(q));
        }).WithName("QuotePdf").WithSummary("The quote as a PDF: seller and buyer, number, validity, lines with discounts and the total");
    }
}
