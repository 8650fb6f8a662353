using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.AccountPlans;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Success.Pages;

/// <summary>
/// /app/success/plans: account plans by fiscal year with their approval state; write a draft
/// (customer, fiscal year, objectives), submit it, and (admins) approve it or return it with a
/// reason; reopen an approved plan to change it. The buttons run the same actions as the API.
/// </summary>
public sealed class PlansModel : ConsolePage
{
    public sealed record Item(Guid Id, Guid CustomerId, string Customer, string FiscalYear, string Status, JsonArray Objectives, string? Owner, string? Approver, DateTime? ApprovedAt, string? Notes);

    public IReadOnlyList<Item> Items { get; private set; } = [];
    public IReadOnlyList<(Guid Id, string Name)> Customers { get; private set; } = [];
    public string? Flash { get; private set; }
    public bool FlashIsError { get; private set; }
    public Guid? CustomerId { get; set; }
    public string FiscalYear { get; set; } = $"FY{DateTime.UtcNow.Year}";
    public string? Objectives { get; set; }

    public static string StatusClass(string status) => status switch { "approved" or "active" => "good", "pending_approval" => "warn", "archived" => "", _ => "brand" };

    public async Task OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        FlashIsError = TempData["flash_error"] is true;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Items = await s.ReadListAsync("""
            SELECT p.id, p.customer_id, coalesce(c.company_name, c.name, c.email), p.fiscal_year, p.status, coalesce(p.strategic_objectives, '[]')::text,
                   o.name, a.name, p.approved_at, p.notes
            FROM account_plans p
            JOIN customers c ON c.organization_id = p.organization_id AND c.id = p.customer_id AND c.deleted_at IS NULL
            LEFT JOIN users o ON o.organization_id = p.organization_id AND o.id = p.owner_id
            LEFT JOIN users a ON a.organization_id = p.organization_id AND a.id = p.approved_by
            WHERE p.organization_id = $1
            ORDER BY p.fiscal_year DESC, CASE p.status WHEN 'pending_approval' THEN 0 WHEN 'draft' THEN 1 ELSE 2 END, coalesce(c.company_name, c.name, c.email), p.id
            LIMIT 200
            """, [s.OrganizationId], r => new Item(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? "—" : r.GetString(2), r.GetString(3), r.GetString(4),
                JsonNode.Parse(r.GetString(5)) is JsonArray a ? a : new JsonArray(JsonNode.Parse(r.GetString(5))), r.IsDBNull(6) ? null : r.GetString(6),
                r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : DateTime.SpecifyKind(r.GetDateTime(8), DateTimeKind.Utc), r.IsDBNull(9) ? null : r.GetString(9)), Aborted);
        Customers = await s.ReadListAsync("""
            SELECT id, coalesce(company_name, name, email) FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND coalesce(stage, '') <> 'churned'
            ORDER BY coalesce(company_name, name, email), id LIMIT 1000
            """, [s.OrganizationId], r => (r.GetGuid(0), r.IsDBNull(1) ? "—" : r.GetString(1)), Aborted);
    }

    public async Task<IActionResult> OnPostCreateAsync(Guid? customerId, string? fiscalYear, string? objectives)
    {
        RequireWrite();
        (CustomerId, FiscalYear, Objectives) = (customerId, fiscalYear?.Trim() ?? "", objectives);
        var lines = (objectives ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (customerId is null) ModelState.AddModelError("customerId", "Choose the customer.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(FiscalYear, @"^FY\d{4}$")) ModelState.AddModelError("fiscalYear", "Write the fiscal year like FY2027.");
        if (ModelState.IsValid)
        {
            try
            {
                await using var s = OpenSession();
                var body = JsonSerializer.SerializeToElement(new { customer_id = customerId, fiscal_year = FiscalYear, strategic_objectives = lines, owner_id = Tenant.UserId });
                await Service<ResourceStore>().CreateAsync(s, Service<ResourceRegistry>().Find("account_plans")!, body, Aborted);
                await s.CommitAsync(Aborted);
                TempData["flash"] = $"Draft plan {FiscalYear} written. Submit it when the objectives are agreed.";
                return Redirect("/app/success/plans");
            }
            catch (ProblemException p) when (p.Status == 409)
            {
                ModelState.AddModelError("fiscalYear", $"This customer already has a plan for {FiscalYear}.");
            }
            catch (ProblemException p) when (p.Status is 404 or 422)
            {
                ModelState.AddModelError("customerId", p.Detail ?? p.Title);
            }
        }
        await LoadAsync();
        Response.StatusCode = 422;
        return Page();
    }

    public Task<IActionResult> OnPostSubmitAsync(Guid id) => StepAsync(id, s => AccountPlanActions.SubmitAsync(s, id, Aborted), "Submitted for approval.");
    public Task<IActionResult> OnPostApproveAsync(Guid id) => StepAsync(id, s => AccountPlanActions.ApproveAsync(s, id, Aborted), "Approved.");
    public Task<IActionResult> OnPostReopenAsync(Guid id) => StepAsync(id, s => AccountPlanActions.ReopenAsync(s, id, Aborted), "Reopened as a draft: its approval is cleared.");
    public Task<IActionResult> OnPostRejectAsync(Guid id, string? reason) => StepAsync(id, s => AccountPlanActions.RejectAsync(s, id, reason, Aborted), "Returned to its owner as a draft.");

    private async Task<IActionResult> StepAsync(Guid id, Func<TenantSession, Task<ActionOutcome>> action, string done)
    {
        RequireWrite();
        await using var s = OpenSession();
        var outcome = await action(s);
        if (outcome.Status == 200)
        {
            await s.CommitAsync(Aborted);
            TempData["flash"] = done;
        }
        else
        {
            TempData["flash"] = outcome.Status == 404 ? "That plan no longer exists." : $"Not done: {outcome.Field?.Replace('_', ' ')} {outcome.Message}";
            TempData["flash_error"] = true;
        }
        return Redirect("/app/success/plans");
    }
}
