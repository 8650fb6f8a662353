using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Email;
using Clientele.Modules.Sales.Deals;
using Clientele.Modules.Sales.Quotes;
using Clientele.Modules.Team.Invitations;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Sales.Pages;

/// <summary>/app/deals/{id}: a deal's facts, a stage form (the stage action's rules), its quotes (new quote with lines, send, PDF) and its timeline.</summary>
public sealed class DealModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "id")] public Guid Id { get; set; }
    public DealFacts Deal { get; private set; } = null!;
    public IReadOnlyList<SalesTimeline.Item> Timeline { get; private set; } = [];
    public string? Flash { get; private set; }
    public bool FlashOk { get; private set; }

    [BindProperty] public string? Stage { get; set; }
    [BindProperty] public int? Probability { get; set; }
    [BindProperty] public string? LostReason { get; set; }

    public IReadOnlyList<QuoteRow> Quotes { get; private set; } = [];
    public sealed record QuoteRow(Guid Id, string? Number, string Status, decimal Total, string Currency, DateTime? ValidUntil, DateTime? AcceptedAt, int Lines);
    public const int FormLines = 3;
    [BindProperty(Name = "line_description")] public string?[] LineDescription { get; set; } = [];
    [BindProperty(Name = "line_quantity")] public string?[] LineQuantity { get; set; } = [];
    [BindProperty(Name = "line_unit_price")] public string?[] LineUnitPrice { get; set; } = [];
    [BindProperty(Name = "line_discount")] public string?[] LineDiscount { get; set; } = [];
    [BindProperty(Name = "quote_id")] public Guid? QuoteId { get; set; }
    [BindProperty(Name = "on_accept")] public string? OnAccept { get; set; }
    public string At(string?[] values, int i) => i < values.Length ? values[i] ?? "" : "";

    public sealed record DealFacts(string Name, string Stage, decimal Value, string Currency, int Probability, decimal Weighted, DateTime? ExpectedClose,
        DateTime? ClosedAt, string? LostReason, string? Owner, Guid? CustomerId, string? Customer, Guid? LeadId, string? Lead);

    public async Task<IActionResult> OnGetAsync()
    {
        if (TempData["deal"] is string f && f.Split('|', 2) is [var ok, var msg]) { Flash = msg; FlashOk = ok == "1"; }
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostStageAsync()
    {
        RequireWrite();
        if (!ModelState.IsValid)
        {
            ModelState.Clear();
            ModelState.AddModelError(nameof(Probability), "The probability must be a whole number from 0 to 100.");
        }
        else await using (var s = OpenSession())
        {
            var outcome = await ChangeDealStage.RunAsync(s, Id, new ChangeDealStage.Body(Stage, Probability, string.IsNullOrWhiteSpace(LostReason) ? null : LostReason), Aborted);
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["deal"] = "1|Stage saved.";
                return Redirect($"/app/deals/{Id}");
            }
            if (outcome.Status == 404) return NotFound();
            ModelState.AddModelError(outcome.Field == "lost_reason" ? nameof(LostReason) : outcome.Field == "probability" ? nameof(Probability) : nameof(Stage),
                $"The {outcome.Field?.Replace('_', ' ')} {outcome.Message}.");
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    /// <summary>A draft quote on this deal (for its customer, in its currency) from the form's filled lines; the database validates and totals them.</summary>
    public async Task<IActionResult> OnPostQuoteAsync()
    {
        RequireWrite();
        var lines = new List<Dictionary<string, object>>();
        for (var i = 0; i < FormLines; i++)
        {
            var (d, q, p, x) = (At(LineDescription, i).Trim(), At(LineQuantity, i).Trim(), At(LineUnitPrice, i).Trim(), At(LineDiscount, i).Trim());
            if (d == "" && q == "" && p == "" && x == "") continue;
            var line = new Dictionary<string, object> { ["description"] = d };
            if (!Num(q, out var qn) || !Num(p, out var pn) || (x != "" && !Num(x, out _)))
            {
                ModelState.AddModelError("line_items", $"Line {i + 1}: quantity, unit price and discount must be numbers (for example 2, 49.90 and 10).");
                break;
            }
            line["quantity"] = qn;
            line["unit_price"] = pn;
            if (Num(x, out var xn)) line["discount"] = xn;
            lines.Add(line);
        }
        if (ModelState.ErrorCount == 0 && lines.Count == 0) ModelState.AddModelError("line_items", "Fill in at least one line: description, quantity and unit price.");
        if (ModelState.ErrorCount == 0)
        {
            await using var s = OpenSession();
            var deal = await s.QueryFirstAsync("SELECT customer_id, currency FROM deals WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL",
                [s.OrganizationId, Id], r => (Customer: r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), Currency: r.GetString(1)), ct: Aborted);
            if (deal.Currency is null) return NotFound();
            try
            {
                var body = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
                {
                    ["deal_id"] = Id, ["customer_id"] = deal.Customer, ["currency"] = deal.Currency, ["line_items"] = lines,
                });
                var registry = Service<ResourceRegistry>();
                await Service<ResourceStore>().CreateAsync(s, registry.Find("quotes")!, body, Aborted);
                await s.CommitAsync(Aborted);
                TempData["deal"] = "1|Draft quote saved: send it when it is ready.";
                return Redirect($"/app/deals/{Id}#quotes-heading");
            }
            catch (ProblemException p) when (p.Status == 422)
            {
                foreach (var (_, messages) in p.Errors ?? new Dictionary<string, string[]> { ["line_items"] = [p.Detail ?? "is not valid"] })
                    foreach (var m in messages) ModelState.AddModelError("line_items", "The lines: " + m + ".");
            }
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    /// <summary>Sends a quote of this deal (number, email with the PDF and the acceptance link); a refusal is shown as the flash.</summary>
    public async Task<IActionResult> OnPostSendQuoteAsync()
    {
        RequireWrite();
        await using var s = OpenSession();
        if (QuoteId is not { } quote || await s.QueryFirstAsync("SELECT 1 FROM quotes WHERE organization_id = $1 AND id = $2 AND deal_id = $3 AND deleted_at IS NULL",
                [s.OrganizationId, quote, Id], r => (int?)r.GetInt32(0), Aborted) is null) return NotFound();
        string message;
        try
        {
            var outcome = await SendQuote.RunAsync(s, quote, new SendQuote.Body(null, string.IsNullOrEmpty(OnAccept) ? null : OnAccept, null), Service<SmtpRelay>(),
                Service<QuoteTokens>(), InvitationsApi.LinkBase(HttpContext, Service<IConfiguration>()), DateTime.UtcNow, Aborted);
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["deal"] = "1|Quote sent with its PDF and acceptance link.";
                return Redirect($"/app/deals/{Id}#quotes-heading");
            }
            message = $"The quote was not sent: the {outcome.Field?.Replace('_', ' ')} {outcome.Message}.";
        }
        catch (ProblemException p)
        {
            message = "The quote was not sent: " + (p.Errors is { Count: > 0 } e ? string.Join(" ", e.SelectMany(x => x.Value)) : p.Detail ?? p.Title) ;
        }
        TempData["deal"] = "0|" + message;
        return Redirect($"/app/deals/{Id}#quotes-heading");
    }

    private static bool Num(string s, out decimal value) => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out value);

    [BindProperty] public ActivityInput Activity { get; set; } = new();

    /// <summary>Logs a call, meeting... on this deal, scheduled or done (ActivityForm); field messages on 422.</summary>
    public async Task<IActionResult> OnPostLogActivityAsync()
    {
        RequireWrite();
        await using (var s = OpenSession())
        {
            if (!await ExistsAsync(s)) return NotFound();
            if (await ActivityForm.LogAsync(s, Service<ResourceRegistry>(), Service<ResourceStore>(), Activity, Id, null, ModelState, DateTime.UtcNow, Aborted))
            {
                await s.CommitAsync(Aborted);
                TempData["deal"] = "1|Activity logged.";
                return Redirect($"/app/deals/{Id}#timeline-heading");
            }
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    /// <summary>Completes a scheduled activity of this deal (the API's rules: once).</summary>
    public async Task<IActionResult> OnPostCompleteActivityAsync()
    {
        RequireWrite();
        ActionOutcome outcome;
        await using (var s = OpenSession())
        {
            outcome = await ActivityForm.CompleteAsync(s, Activity, Id, null, ModelState, DateTime.UtcNow, Aborted);
            if (outcome.Status == 404) return NotFound();
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["deal"] = "1|Activity completed.";
                return Redirect($"/app/deals/{Id}#timeline-heading");
            }
        }
        Response.StatusCode = outcome.Status;
        await LoadAsync();
        return Page();
    }

    private async Task<bool> ExistsAsync(TenantSession s) =>
        await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM deals WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL)", [s.OrganizationId, Id], Aborted);

    private async Task<bool> LoadAsync()
    {
        await using var s = OpenSession();
        var d = await s.ReadFirstAsync("""
            SELECT d.name, d.stage, d.value, d.currency, d.probability, round(d.value * d.probability / 100.0, 2), d.expected_close_date, d.closed_at, d.lost_reason,
                   coalesce(u.name, u.email), d.customer_id, coalesce(c.company_name, c.name, c.email), d.lead_id, coalesce(l.name, l.email)
            FROM deals d
            LEFT JOIN users u ON u.organization_id = d.organization_id AND u.id = d.assigned_to
            LEFT JOIN customers c ON c.organization_id = d.organization_id AND c.id = d.customer_id AND c.deleted_at IS NULL
            LEFT JOIN leads l ON l.organization_id = d.organization_id AND l.id = d.lead_id AND l.deleted_at IS NULL
            WHERE d.organization_id = $1 AND d.id = $2 AND d.deleted_at IS NULL
            """, [s.OrganizationId, Id], r => new DealFacts(r.GetString(0), r.GetString(1), r.GetDecimal(2), r.GetString(3), r.GetInt32(4), r.GetDecimal(5),
                r.IsDBNull(6) ? null : r.GetDateTime(6), r.IsDBNull(7) ? null : r.GetDateTime(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.IsDBNull(9) ? null : r.GetString(9), r.IsDBNull(10) ? null : r.GetGuid(10), r.IsDBNull(11) ? null : r.GetString(11),
                r.IsDBNull(12) ? null : r.GetGuid(12), r.IsDBNull(13) ? null : r.GetString(13)), Aborted);
        if (d is null) return false;
        Deal = d;
        Timeline = await SalesTimeline.ForDealAsync(s, Id, Aborted);
        ViewData["CanWrite"] = CanWrite;
        Quotes = await s.ReadListAsync("""
            SELECT id, quote_number, status, coalesce(total_amount, 0), currency, valid_until, accepted_at, jsonb_array_length(line_items)
            FROM quotes WHERE organization_id = $1 AND deal_id = $2 AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 50
            """, [s.OrganizationId, Id], r => new QuoteRow(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetDecimal(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetDateTime(5), r.IsDBNull(6) ? null : r.GetDateTime(6), r.GetInt32(7)), Aborted);
        ViewData["Title"] = d.Name + " · Deal";
        return true;
    }
}
