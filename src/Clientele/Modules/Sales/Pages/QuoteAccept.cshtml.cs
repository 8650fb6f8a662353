using Clientele.Modules.Sales.Quotes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Clientele.Modules.Sales.Pages;

/// <summary>
/// /quotes/accept/{token}: the customer (no sign-in) sees the quote and accepts or declines it. A
/// tampered or unknown link is a 404 saying the link does not work; an expired one (the token's
/// expiry or the quote's valid_until) a 410; an answered one says how it was answered.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting("anonymous")]
public sealed class QuoteAcceptModel(TenantSessions sessions, QuoteTokens tokens) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty(Name = "answer")] public string? Answer { get; set; }
    public QuoteLinkView View { get; private set; } = new("invalid", null, null);
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Show();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        if (!View.Open || Answer is not ("accept" or "decline")) return Show();
        try
        {
            await using var s = sessions.Open(AcceptQuote.System(View.Link!.OrganizationId));
            var outcome = Answer == "accept"
                ? await AcceptQuote.AcceptAsync(s, View.Link.QuoteId, DateTime.UtcNow, HttpContext.RequestAborted)
                : await AcceptQuote.DeclineAsync(s, View.Link.QuoteId, DateTime.UtcNow, HttpContext.RequestAborted);
            if (outcome.Ok) await s.CommitAsync(HttpContext.RequestAborted);
        }
        catch (ProblemException)
        {
            // The deal could not follow (its subscription was refused): nothing was saved.
            await LoadAsync();
            var page = Show();
            Message = "We could not record your answer just now: please try again later or reply to our email.";
            Response.StatusCode = 409;
            return page;
        }
        await LoadAsync();
        return Show();
    }

    private async Task LoadAsync() => View = await AcceptQuote.FindAsync(sessions, tokens, Token, DateTime.UtcNow, HttpContext.RequestAborted);

    private PageResult Show()
    {
        (Message, Response.StatusCode) = View.State switch
        {
            "open" => (null, 200),
            "accepted" => ("You accepted this quote. Thank you: we will be in touch about the next steps.", 200),
            "declined" => ("You declined this quote.", 200),
            "expired" => ("This quote has expired: ask us for a new one.", 410),
            _ => ("This link does not work: check that it is complete, or ask us to send the quote again.", 404),
        };
        return Page();
    }
}
