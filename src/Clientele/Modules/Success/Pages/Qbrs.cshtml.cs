using System.Text.Json.Nodes;
using Clientele.Modules.Success.Qbrs;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/qbrs: prepare a QBR in one click (customer and quarter), the QBRs by quarter with
/// their state (draft, reviewed, shared, completed); /app/success/qbrs/{id}: the draft to review,
/// the numbers it rests on, the deck to download, and the review → share → complete steps.
/// </summary>
public sealed class QbrsModel : ConsolePage
{
    public sealed record Item(Guid Id, Guid CustomerId, string Customer, string Quarter, string Status, DateTime? PreparedAt, DateTime? ReviewedAt, DateTime? SharedAt, int? Health);
    public sealed record Draft(Item Qbr, string? Summary, JsonArray Wins, JsonArray Challenges, JsonArray Actions, JsonObject Data, string? Reviewer);

    public IReadOnlyList<Item> Items { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Customers { get; private set; } = [];
    public Draft? Current { get; private set; }
    public string DefaultQuarter { get; private set; } = "";
    public string? Flash { get; private set; }
    public bool FlashIsError { get; private set; }
    public string? Quarter { get; set; }
    public Guid? CustomerId { get; set; }

    public static string State(Item q) => q.Status == "completed" ? "completed" : q.SharedAt is not null ? "shared" : q.ReviewedAt is not null ? "reviewed" : q.PreparedAt is not null ? "draft" : q.Status;

    public static string StateClass(string state) => state switch { "completed" or "shared" => "good", "reviewed" => "brand", "draft" => "warn", _ => "" };

    public async Task<IActionResult> OnGetAsync(Guid? id, Guid? customer)
    {
        Flash = TempData["flash"] as string;
        FlashIsError = TempData["flash_error"] is true;
        CustomerId ??= customer;
        await LoadAsync(id);
        return id is not null && Current is null ? NotFound() : Page();
    }

    private async Task LoadAsync(Guid? id)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thisQuarter = new DateOnly(today.Year, (today.Month - 1) / 3 * 3 + 1, 1);
        // The last full quarter is what a QBR usually reviews.
        var last = thisQuarter.AddMonths(-3);
        DefaultQuarter = $"Q{(last.Month - 1) / 3 + 1} {last.Year}";
        Quarter ??= DefaultQuarter;
        await using var s = OpenSession();
        var org = s.OrganizationId;
        Items = await s.ReadListAsync("""
            SELECT q.id, q.customer_id, coalesce(c.company_name, c.name, c.email), q.quarter, q.status, q.prepared_at, q.reviewed_at, q.shared_at, q.health_score_at_qbr
            FROM qbrs q JOIN customers c ON c.organization_id = q.organization_id AND c.id = q.customer_id AND c.deleted_at IS NULL
            WHERE q.organization_id = $1 AND ($2::uuid IS NULL OR q.id = $2)
            ORDER BY substr(q.quarter, 4) DESC, substr(q.quarter, 1, 2) DESC, q.prepared_at DESC NULLS LAST, q.id
            LIMIT 100
            """, [org, SqlArg.Uuid(id)], r => new Item(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? "—" : r.GetString(2), r.GetString(3), r.GetString(4), T(r, 5), T(r, 6), T(r, 7),
                r.IsDBNull(8) ? null : r.GetInt32(8)), Aborted);
        if (id is { } qid)
        {
            var item = Items.FirstOrDefault();
            if (item is null) return;
            Current = await s.ReadFirstAsync("""
                SELECT q.summary, coalesce(q.wins, '[]')::text, coalesce(q.challenges, '[]')::text, coalesce(q.action_items, '[]')::text, coalesce(q.prepared_data, '{}')::text, u.name
                FROM qbrs q LEFT JOIN users u ON u.organization_id = q.organization_id AND u.id = q.reviewed_by
                WHERE q.organization_id = $1 AND q.id = $2
                """, [org, qid], r => new Draft(item, r.IsDBNull(0) ? null : r.GetString(0), Arr(r.GetString(1)), Arr(r.GetString(2)), Arr(r.GetString(3)),
                    JsonNode.Parse(r.GetString(4)) as JsonObject ?? [], r.IsDBNull(5) ? null : r.GetString(5)), Aborted);
            return;
        }
        Customers = await s.ReadListAsync("""
            SELECT id, coalesce(company_name, name, email) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND coalesce(stage, '') <> 'churned'
            ORDER BY coalesce(company_name, name, email), id LIMIT 1000
            """, [org], r => (r.GetGuid(0), r.IsDBNull(1) ? "—" : r.GetString(1)), Aborted);
    }

    private static DateTime? T(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc);
    private static JsonArray Arr(string json) => JsonNode.Parse(json) as JsonArray ?? [];

    public async Task<IActionResult> OnPostPrepareAsync(Guid? customerId, string? quarter)
    {
        RequireWrite();
        CustomerId = customerId;
        Quarter = quarter;
        if (customerId is null) ModelState.AddModelError("customerId", "Choose the customer.");
        DateOnly start = default;
        try { start = QbrsApi.ParseQuarterOrThrow(quarter?.Trim()); }
        catch (ProblemException) { ModelState.AddModelError("quarter", "Write the quarter like Q1 2027."); }
        if (ModelState.IsValid)
        {
            try
            {
                await using var s = OpenSession();
                var prepared = await QbrPreparer.PrepareAsync(s, customerId!.Value, start, Tenant.UserId, DateTime.UtcNow, Aborted);
                await s.CommitAsync(Aborted);
                TempData["flash"] = prepared.Created ? "QBR drafted from the account's numbers. Review it before you share it." : "QBR draft refreshed with today's numbers; review it again before you share it.";
                return Redirect($"/app/success/qbrs/{prepared.Id}");
            }
            catch (ProblemException p) when (p.Status is 404 or 409 or 422)
            {
                ModelState.AddModelError(p.Status == 404 ? "customerId" : "quarter", p.Errors?.Values.FirstOrDefault()?.FirstOrDefault() is { } m ? $"The quarter {m}" : p.Detail ?? p.Title);
            }
        }
        await LoadAsync(null);
        Response.StatusCode = 422;
        return Page();
    }

    public Task<IActionResult> OnPostReviewAsync(Guid id) => StepAsync(id, "review", "Reviewed: the deck has lost its DRAFT mark and can be shared.");
    public Task<IActionResult> OnPostShareAsync(Guid id) => StepAsync(id, "share", "Shared: the deck link is recorded on the QBR.");

    public async Task<IActionResult> OnPostCompleteAsync(Guid id)
    {
        RequireWrite();
        await using var s = OpenSession();
        var def = Service<Platform.Resources.ResourceRegistry>().Find("qbrs")!;
        using var body = System.Text.Json.JsonDocument.Parse($$"""{"status":"completed","completed_date":"{{DateTime.UtcNow:yyyy-MM-dd}}"}""");
        await Service<Platform.Resources.ResourceStore>().UpdateAsync(s, def, id, body.RootElement, null, Aborted);
        TempData["flash"] = "QBR completed: the customer's open renewal has its “QBR completed” box ticked.";
        return Redirect($"/app/success/qbrs/{id}");
    }

    private async Task<IActionResult> StepAsync(Guid id, string step, string done)
    {
        RequireWrite();
        await using var s = OpenSession();
        try
        {
            await QbrsApi.MarkAsync(s, id, Tenant.UserId, step, Aborted);
            await s.CommitAsync(Aborted);
            TempData["flash"] = done;
        }
        catch (ProblemException p) when (p.Status == 409)
        {
            TempData["flash"] = p.Detail;
            TempData["flash_error"] = true;
        }
        return Redirect($"/app/success/qbrs/{id}");
    }
}
