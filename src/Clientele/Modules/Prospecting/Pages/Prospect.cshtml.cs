using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Prospecting.Pages;

/// <summary>/app/prospects/{id}: a prospect read-only (what the global search links to).</summary>
public sealed class ProspectModel : ConsolePage
{
    [BindProperty(SupportsGet = true, Name = "id")] public Guid Id { get; set; }
    public ReadOnlyRecord Record { get; private set; } = null!;

    private static readonly string[] Labels = ["Name", "Email", "Company", "Location", "Status", "Active", "Last contacted", "LinkedIn", "Created"];

    public async Task<IActionResult> OnGetAsync()
    {
        await using var s = OpenSession();
        var facts = await ReadOnlyRecord.ReadAsync(s, """
            SELECT p.full_name, p.email, co.name, p.location, p.status, p.is_active, p.last_contacted_at, p.linkedin_url, p.created_at
            FROM prospects p LEFT JOIN companies co ON co.organization_id = p.organization_id AND co.id = p.company_id
            WHERE p.organization_id = $1 AND p.id = $2
            """, Id, Labels, Aborted);
        if (facts is null) return NotFound();
        // Only http(s) profile links become links (a stored javascript: URL stays text).
        var shown = facts.Select(f => (f.Label, f.Value,
            f.Label == "LinkedIn" && Uri.TryCreate(f.Value, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? u.ToString() : (string?)null)).ToList();
        Record = new ReadOnlyRecord("Prospect", facts[0].Value ?? "Prospect", shown, "/app/search", "Search");
        ViewData["Title"] = Record.Title + " · Prospect";
        return Page();
    }
}
