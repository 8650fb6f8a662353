using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/renewals: the renewal pipeline as a board, one column per stage with its count, ARR
/// and probability-weighted ARR, and the window's totals (the forecast's definitions: at risk is
/// probability or health below 50). A card moves by dragging it to another column (board.js) or with
/// its "Move to" form; either way through the resource store (audited, renewal_pipeline.updated), and
/// the checklist trigger may keep it further along (it never moves a renewal back behind its checklist).
/// </summary>
public sealed class RenewalsModel : ConsolePage
{
    public static readonly string[] Stages = ["identified", "engaged", "proposal", "negotiation", "committed", "renewed", "churned"];
    public static readonly int[] Windows = [90, 180, 365];

    public sealed record Card(Guid Id, Guid CustomerId, string Customer, DateOnly Date, decimal Arr, int? Probability, string Stage, int? Health, int Checked, string? Csm)
    {
        public decimal Weighted => Math.Round(Arr * (Probability ?? 0) / 100m, 2);
        public bool AtRisk => Stage != "churned" && ((Probability ?? 0) < 50 || Health < 50);
    }

    public sealed record Column(string Stage, IReadOnlyList<Card> Cards)
    {
        public decimal Arr => Cards.Sum(c => c.Arr);
        public decimal Weighted => Cards.Sum(c => c.Weighted);
    }

    public int Window { get; private set; } = 180;
    public IReadOnlyList<Column> Columns { get; private set; } = [];
    public decimal OpenArr { get; private set; }
    public decimal WeightedArr { get; private set; }
    public decimal AtRiskArr { get; private set; }
    public string? Flash { get; private set; }
    public bool FlashIsError { get; private set; }

    public async Task OnGetAsync(int? window)
    {
        Flash = TempData["flash"] as string;
        FlashIsError = TempData["flash_error"] is true;
        Window = window is { } w && Windows.Contains(w) ? w : 180;
        await using var s = OpenSession();
        var cards = await s.ReadListAsync("""
            SELECT r.id, r.customer_id, coalesce(c.company_name, c.name, c.email), r.renewal_date, coalesce(r.current_arr, 0), r.probability, r.stage, c.health_score,
                   (r.champion_engaged::int + r.exec_sponsor_engaged::int + r.qbr_completed::int + r.value_summary_sent::int + r.proposal_sent::int
                    + r.verbal_commit::int + r.contract_signed::int), u.name
            FROM renewal_pipeline r
            JOIN customers c ON c.organization_id = r.organization_id AND c.id = r.customer_id AND c.deleted_at IS NULL
            LEFT JOIN users u ON u.organization_id = r.organization_id AND u.id = r.owner_id
            WHERE r.organization_id = $1 AND r.renewal_date >= current_date - 30 AND r.renewal_date <= current_date + $2
            ORDER BY r.renewal_date, r.id
            """, [s.OrganizationId, Window], r => new Card(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? "—" : r.GetString(2), r.GetFieldValue<DateOnly>(3), r.GetDecimal(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetInt32(7), r.GetInt32(8), r.IsDBNull(9) ? null : r.GetString(9)), Aborted);
        Columns = Stages.Select(st => new Column(st, cards.Where(c => c.Stage == st).ToList())).ToList();
        var open = cards.Where(c => c.Stage != "churned").ToList();
        OpenArr = open.Sum(c => c.Arr);
        WeightedArr = open.Sum(c => c.Weighted);
        AtRiskArr = open.Where(c => c.AtRisk).Sum(c => c.Arr);
    }

    public async Task<IActionResult> OnPostMoveAsync(Guid id, string? stage, int? window)
    {
        RequireWrite();
        var back = $"/app/success/renewals?window={(window is { } w && Windows.Contains(w) ? w : 180)}#card-{id}";
        if (stage is null || !Stages.Contains(stage))
        {
            TempData["flash"] = "Choose one of the stages to move the renewal to.";
            TempData["flash_error"] = true;
            return Redirect(back);
        }
        await using var s = OpenSession();
        var def = Service<ResourceRegistry>().Find("renewal_pipeline")!;
        using var body = JsonDocument.Parse(JsonSerializer.Serialize(new { stage }));
        var saved = await Service<ResourceStore>().UpdateAsync(s, def, id, body.RootElement, null, Aborted);
        using var row = JsonDocument.Parse(saved.Json);
        var now = row.RootElement.GetProperty("stage").GetString();
        var customer = await s.ReadFirstAsync("SELECT coalesce(c.company_name, c.name, c.email) FROM customers c JOIN renewal_pipeline r ON r.organization_id = c.organization_id AND r.customer_id = c.id WHERE r.organization_id = $1 AND r.id = $2",
            [s.OrganizationId, id], r => r.IsDBNull(0) ? "the customer" : r.GetString(0), Aborted) ?? "the customer";
        TempData["flash"] = now == stage
            ? $"{customer}'s renewal moved to {stage}."
            : $"{customer}'s renewal stays at {now}: its checklist is already that far along (untick it on the renewal to move it back).";
        TempData["flash_error"] = now != stage;
        return Redirect(back);
    }
}
