using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/expansion: expansion opportunities as a board by stage, each with why it exists
/// (the detector's cause and numbers, or "added by a person"), its estimated value and probability;
/// column and page totals (value, probability-weighted value). Moving a card goes through the
/// resource store like the renewals board.
/// </summary>
public sealed class ExpansionModel : ConsolePage
{
    public static readonly string[] Stages = ["identified", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"];

    public sealed record Card(Guid Id, Guid CustomerId, string Customer, string Type, string? ProductLine, decimal? Value, int? Probability, string Stage,
        string? Cause, string? UseCase, string? NextSteps, DateTime Created)
    {
        public decimal Weighted => Math.Round((Value ?? 0) * (Probability ?? 0) / 100m, 2);
    }

    public sealed record Column(string Stage, IReadOnlyList<Card> Cards)
    {
        public decimal Value => Cards.Sum(c => c.Value ?? 0);
        public decimal Weighted => Cards.Sum(c => c.Weighted);
    }

    public IReadOnlyList<Column> Columns { get; private set; } = [];
    public decimal OpenValue { get; private set; }
    public decimal OpenWeighted { get; private set; }
    public int Detected { get; private set; }
    public string? Flash { get; private set; }
    public bool FlashIsError { get; private set; }

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        FlashIsError = TempData["flash_error"] is true;
        await using var s = OpenSession();
        // Open ones, and the closed ones of the last 90 days.
        var cards = await s.ReadListAsync("""
            SELECT o.id, o.customer_id, coalesce(c.company_name, c.name, c.email), o.opportunity_type, o.product_line, o.estimated_value, o.probability, o.stage,
                   o.cause, o.use_case, o.next_steps, o.created_at
            FROM expansion_opportunities o
            JOIN customers c ON c.organization_id = o.organization_id AND c.id = o.customer_id AND c.deleted_at IS NULL
            WHERE o.organization_id = $1 AND (o.stage NOT IN ('closed_won', 'closed_lost') OR o.updated_at > now() - interval '90 days')
            ORDER BY o.estimated_value DESC NULLS LAST, o.id
            LIMIT 300
            """, [s.OrganizationId], r => new Card(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? "—" : r.GetString(2), r.GetString(3), Str(r, 4),
                r.IsDBNull(5) ? null : r.GetDecimal(5), r.IsDBNull(6) ? null : r.GetInt32(6), r.GetString(7), Str(r, 8), Str(r, 9), Str(r, 10),
                DateTime.SpecifyKind(r.GetDateTime(11), DateTimeKind.Utc)), Aborted);
        Columns = Stages.Select(st => new Column(st, cards.Where(c => c.Stage == st).ToList())).ToList();
        var open = cards.Where(c => !c.Stage.StartsWith("closed", StringComparison.Ordinal)).ToList();
        OpenValue = open.Sum(c => c.Value ?? 0);
        OpenWeighted = open.Sum(c => c.Weighted);
        Detected = open.Count(c => c.Cause is not null);
    }

    private static string? Str(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static string CauseWords(string? cause) => cause switch
    {
        "seat_utilization" => "detected: seats nearly all used",
        "usage_growth" => "detected: usage growing",
        "meeting_signal" => "detected: said in a meeting",
        "feature_beyond_plan" => "detected: feature beyond the plan",
        _ => "added by a person",
    };

    public async Task<IActionResult> OnPostMoveAsync(Guid id, string? stage)
    {
        RequireWrite();
        if (stage is null || !Stages.Contains(stage))
        {
            TempData["flash"] = "Choose one of the stages to move the opportunity to.";
            TempData["flash_error"] = true;
            return Redirect($"/app/success/expansion#card-{id}");
        }
        await using var s = OpenSession();
        var def = Service<ResourceRegistry>().Find("expansion_opportunities")!;
        using var body = JsonDocument.Parse(JsonSerializer.Serialize(new { stage }));
        await Service<ResourceStore>().UpdateAsync(s, def, id, body.RootElement, null, Aborted);
        TempData["flash"] = $"Opportunity moved to {stage.Replace('_', ' ')}.";
        return Redirect($"/app/success/expansion#card-{id}");
    }
}
