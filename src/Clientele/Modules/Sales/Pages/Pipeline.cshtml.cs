using Clientele.Modules.Sales.Deals;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Sales.Pages;

/// <summary>
/// /app/pipeline: the deals as a board by stage (drag a card to another column, or use its "Move"
/// form) or as a table, filtered by owner and close month. Column totals are DealPipeline's, the
/// same numbers as GET /api/v1/deals/pipeline, and the sums of the cards shown under them.
/// </summary>
public sealed class PipelineModel : ConsolePage
{
    public DealPipeline.Report Report { get; private set; } = null!;
    public IReadOnlyList<DealBoard.Card> Cards { get; private set; } = [];
    public IReadOnlyList<DealBoard.Owner> Owners { get; private set; } = [];
    public DealPipeline.Filter Filter { get; private set; } = new(null, null, null);
    public bool TableView { get; private set; }
    public string? Flash { get; private set; }
    public bool FlashOk { get; private set; }

    [BindProperty] public Guid DealId { get; set; }
    [BindProperty] public string? Stage { get; set; }
    [BindProperty] public string? LostReason { get; set; }

    public async Task<IActionResult> OnGetAsync(string? view, string? owner, string? month, string? currency)
    {
        TableView = view == "table";
        try { Filter = DealPipeline.Parse(string.IsNullOrEmpty(currency) ? null : currency, owner, month); }
        catch (ProblemException p) when (p.Errors is not null)
        {
            foreach (var (field, messages) in p.Errors) foreach (var m in messages) ModelState.AddModelError(field, $"The {field.Replace('_', ' ')} {m}.");
            Response.StatusCode = 400;
        }
        if (TempData["pipeline"] is string f && f.Split('|', 2) is [var ok, var msg]) { Flash = msg; FlashOk = ok == "1"; }
        await LoadAsync();
        return Page();
    }

    /// <summary>Moves a deal: from the card's form (redirects back) or from a drag (fetch with X-Board-Move: JSON answer).</summary>
    public async Task<IActionResult> OnPostMoveAsync()
    {
        RequireWrite();
        var fromDrag = Request.Headers.ContainsKey("X-Board-Move");
        await using var s = OpenSession();
        var outcome = await ChangeDealStage.RunAsync(s, DealId, new ChangeDealStage.Body(Stage, null, string.IsNullOrWhiteSpace(LostReason) ? null : LostReason), Aborted);
        if (outcome.Ok) await s.CommitAsync(Aborted);
        var message = outcome.Ok ? $"Moved to {DealStages.Label(Stage!)}." : $"Not moved: the {outcome.Field?.Replace('_', ' ') ?? "deal"} {outcome.Message}.";
        if (fromDrag) return new JsonResult(new { ok = outcome.Ok, field = outcome.Field, message }) { StatusCode = outcome.Status };
        TempData["pipeline"] = (outcome.Ok ? "1|" : "0|") + message;
        return Redirect("/app/pipeline" + Request.QueryString + "#deal-" + DealId);
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Report = await DealPipeline.ReadAsync(s, Filter, Aborted);
        Cards = await DealBoard.CardsAsync(s, Filter, Report.Currency, Aborted);
        Owners = await DealBoard.OwnersAsync(s, Aborted);
    }

    public static string Money(decimal v) => v.ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture);

    public string Href(string? view = null) =>
        "/app/pipeline?" + string.Join("&", new[]
        {
            view is null ? null : "view=" + view,
            Filter.AssignedTo is { } o ? "owner=" + o : null,
            Filter.CloseMonth is { } m ? "month=" + m : null,
            Filter.Currency is { } c ? "currency=" + c : null,
        }.Where(x => x is not null));
}
