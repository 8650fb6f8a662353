using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Sales.Pages;

/// <summary>/app/leads/{id}: a lead read-only (what the global search links to), with its converted customer.</summary>
public sealed class LeadModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "id")] public Guid Id { get; set; }
    public ReadOnlyRecord Record { get; private set; } = null!;

    private static readonly string[] Labels =
        ["Name", "Email", "Phone", "Company", "Title", "Lead score", "Qualification", "Source", "Assigned to", "Budget", "Authority", "Need", "Timeline", "Created", "Converted to", "customer id"];

    public async Task<IActionResult> OnGetAsync()
    {
        await using var s = OpenSession();
        var facts = await ReadOnlyRecord.ReadAsync(s, """
            SELECT l.name, l.email, l.phone, l.company, l.title, l.lead_score, l.qualification_status, l.source, coalesce(u.name, u.email),
                   l.budget, l.authority, l.need_score, l.timeline, l.created_at, coalesce(cu.name, cu.email), l.converted_to_customer_id::text
            FROM leads l
            LEFT JOIN users u ON u.organization_id = l.organization_id AND u.id = l.assigned_to
            LEFT JOIN customers cu ON cu.organization_id = l.organization_id AND cu.id = l.converted_to_customer_id AND cu.deleted_at IS NULL
            WHERE l.organization_id = $1 AND l.id = $2 AND l.deleted_at IS NULL
            """, Id, Labels, Aborted);
        if (facts is null) return NotFound();
        var customerId = facts[^1].Value;
        var shown = facts.Take(facts.Count - 1)
            .Select(f => (f.Label, f.Value, f.Label == "Converted to" && customerId is not null ? "/app/customers/" + customerId : (string?)null)).ToList();
        var title = facts[0].Value ?? facts[1].Value ?? facts[2].Value ?? "Lead";
        Record = new ReadOnlyRecord("Lead", title, shown, "/app/search", "Search");
        ViewData["Title"] = title + " · Lead";
        return Page();
    }
}
