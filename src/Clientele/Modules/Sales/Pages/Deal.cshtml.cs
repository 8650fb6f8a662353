using Clientele.Modules.Sales.Deals;
using Clientele.Platform.Database;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Sales.Pages;

/// <summary>/app/deals/{id}: a deal's facts, a stage form (the stage action's rules) and its timeline.</summary>
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
        ViewData["Title"] = d.Name + " · Deal";
        return true;
    }
}
