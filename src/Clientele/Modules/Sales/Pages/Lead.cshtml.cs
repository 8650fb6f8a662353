using Clientele.Modules.Sales.Leads;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Sales.Pages;

/// <summary>
/// /app/leads/{id}: a lead with its score explained, its qualification actions (the same rules
/// as the API), assignment, conversion (optionally with a deal) and its timeline.
/// </summary>
public sealed class LeadModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "id")] public Guid Id { get; set; }
    public LeadFacts Lead { get; private set; } = null!;
    public LeadScore.Explained Score { get; private set; } = null!;
    public IReadOnlyList<SalesTimeline.Item> Timeline { get; private set; } = [];
    public string? Flash { get; private set; }
    public bool FlashOk { get; private set; }

    [BindProperty] public string? Action { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public decimal? DealValue { get; set; }

    public sealed record LeadFacts(string Title, string? Email, string? Phone, string? Company, string? JobTitle, string Status, string? Source, string? Owner,
        string? Budget, string? Authority, decimal? Need, string? Timeline, Guid? CustomerId, string? Customer, DateTime CreatedAt);

    /// <summary>The next forward step from a status (null: none).</summary>
    public static string? NextStep(string status) => status switch { "new" => "mql", "mql" => "sql", "sql" => "qualified", _ => null };

    public static string StatusLabel(string status) => status switch
    {
        "mql" => "Marketing qualified", "sql" => "Sales qualified", _ => char.ToUpperInvariant(status[0]) + status[1..],
    };

    public async Task<IActionResult> OnGetAsync()
    {
        if (TempData["lead"] is string f && f.Split('|', 2) is [var ok, var msg]) { Flash = msg; FlashOk = ok == "1"; }
        return await LoadAsync() ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        RequireWrite();
        if (!ModelState.IsValid)
        {
            ModelState.Clear();
            ModelState.AddModelError(nameof(DealValue), "The deal value must be a number.");
            Response.StatusCode = 422;
            await LoadAsync();
            return Page();
        }
        await using (var s = OpenSession())
        {
            ActionOutcome outcome;
            var status = await s.ScalarAsync<string>("SELECT qualification_status FROM leads WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL", [s.OrganizationId, Id], Aborted);
            if (status is null) return NotFound();
            string done;
            switch (Action)
            {
                case "advance":
                    outcome = await LeadQualification.QualifyAsync(s, Id, NextStep(status), Aborted);
                    done = $"Now {StatusLabel(NextStep(status) ?? status)}.";
                    break;
                case "disqualify":
                    outcome = await LeadQualification.DisqualifyAsync(s, Id, Reason, Aborted);
                    done = "Disqualified.";
                    break;
                case "reopen":
                    outcome = await LeadQualification.ReopenAsync(s, Id, Aborted);
                    done = "Reopened as new.";
                    break;
                case "assign":
                    outcome = await LeadAssignment.RunAsync(s, Id, null, Aborted);
                    done = "Assigned.";
                    break;
                case "convert":
                    var r = await ConvertLead.RunAsync(s, Id, new ConvertLead.Body(DealValue is null ? null : new ConvertLead.DealInput(null, DealValue, null, null, null), null), Aborted);
                    outcome = r.Outcome;
                    done = r.CustomerCreated ? "Converted: a new customer was created." : "Converted: linked to the existing customer with this email.";
                    break;
                default:
                    return BadRequest();
            }
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["lead"] = "1|" + done;
                return Redirect($"/app/leads/{Id}");
            }
            if (outcome.Status == 404) return NotFound();
            ModelState.AddModelError(outcome.Field == "reason" ? nameof(Reason) : outcome.Field == "deal.value" ? nameof(DealValue) : "Action",
                $"The {outcome.Field?.Replace('_', ' ')} {outcome.Message}.");
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    [BindProperty] public ActivityInput Activity { get; set; } = new();

    /// <summary>Logs a call, meeting... on this lead, scheduled or done (ActivityForm); field messages on 422.</summary>
    public async Task<IActionResult> OnPostLogActivityAsync()
    {
        RequireWrite();
        await using (var s = OpenSession())
        {
            if (!await ExistsAsync(s)) return NotFound();
            if (await ActivityForm.LogAsync(s, Service<ResourceRegistry>(), Service<ResourceStore>(), Activity, null, Id, ModelState, DateTime.UtcNow, Aborted))
            {
                await s.CommitAsync(Aborted);
                TempData["lead"] = "1|Activity logged.";
                return Redirect($"/app/leads/{Id}#timeline-heading");
            }
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    /// <summary>Completes a scheduled activity of this lead (the API's rules: once).</summary>
    public async Task<IActionResult> OnPostCompleteActivityAsync()
    {
        RequireWrite();
        ActionOutcome outcome;
        await using (var s = OpenSession())
        {
            outcome = await ActivityForm.CompleteAsync(s, Activity, null, Id, ModelState, DateTime.UtcNow, Aborted);
            if (outcome.Status == 404) return NotFound();
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["lead"] = "1|Activity completed.";
                return Redirect($"/app/leads/{Id}#timeline-heading");
            }
        }
        Response.StatusCode = outcome.Status;
        await LoadAsync();
        return Page();
    }

    private async Task<bool> ExistsAsync(TenantSession s) =>
        await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM leads WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL)", [s.OrganizationId, Id], Aborted);

    private async Task<bool> LoadAsync()
    {
        await using var s = OpenSession();
        var l = await s.ReadFirstAsync("""
            SELECT coalesce(l.name, l.email, l.phone, 'Lead'), l.email, l.phone, l.company, l.title, l.qualification_status, l.source, coalesce(u.name, u.email),
                   l.budget, l.authority, l.need_score, l.timeline, l.converted_to_customer_id, coalesce(c.company_name, c.name, c.email), l.created_at
            FROM leads l
            LEFT JOIN users u ON u.organization_id = l.organization_id AND u.id = l.assigned_to
            LEFT JOIN customers c ON c.organization_id = l.organization_id AND c.id = l.converted_to_customer_id AND c.deleted_at IS NULL
            WHERE l.organization_id = $1 AND l.id = $2 AND l.deleted_at IS NULL
            """, [s.OrganizationId, Id], r => new LeadFacts(r.GetString(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4), r.GetString(5), Str(r, 6), Str(r, 7),
                Str(r, 8), Str(r, 9), r.IsDBNull(10) ? null : r.GetDecimal(10), Str(r, 11), r.IsDBNull(12) ? null : r.GetGuid(12), Str(r, 13), r.GetDateTime(14)), Aborted);
        if (l is null) return false;
        Lead = l;
        Score = (await LeadScore.ExplainAsync(s, Id, Aborted))!;
        Timeline = await SalesTimeline.ForLeadAsync(s, Id, Aborted);
        ViewData["CanWrite"] = CanWrite;
        ViewData["Title"] = l.Title + " · Lead";
        return true;
    }

    private static string? Str(Npgsql.NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
