using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Prospecting.Pages;

/// <summary>
/// /app/prospects/{id}: a prospect's facts and the form that edits its own fields (name, email,
/// location, LinkedIn, status, active) through the resource store, so the API's validation, audit
/// and events apply; a refused field comes back as that field's message (422). Research, drafts and
/// events are on /app/prospects.
/// </summary>
public sealed class ProspectModel : ConsolePage
{
    public static readonly string[] Statuses = ["new", "researching", "contacted", "engaged", "qualified", "unqualified", "converted", "lost"];

    [BindProperty(SupportsGet = true, Name = "id")] public Guid Id { get; set; }
    [BindProperty] public ProspectInput Input { get; set; } = new();
    public ReadOnlyRecord Record { get; private set; } = null!;
    public string? Flash { get; private set; }

    private static readonly string[] Labels = ["Name", "Email", "Company", "Location", "Status", "Active", "Last contacted", "LinkedIn", "Created"];

    public async Task<IActionResult> OnGetAsync()
    {
        Flash = TempData["flash"] as string;
        if (!await LoadAsync(fillForm: true)) return NotFound();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var body = new JsonObject();
        if (string.IsNullOrWhiteSpace(Input.FullName)) ModelState.AddModelError("Input.FullName", "Give the prospect's name.");
        else body["full_name"] = Input.FullName.Trim();
        if (string.IsNullOrWhiteSpace(Input.Email)) ModelState.AddModelError("Input.Email", "Give an email address.");
        else body["email"] = Input.Email.Trim();
        body["location"] = Blank(Input.Location);
        body["linkedin_url"] = Blank(Input.LinkedinUrl);
        if (Input.Status is null || !Statuses.Contains(Input.Status)) ModelState.AddModelError("Input.Status", "Choose a status from the list.");
        else body["status"] = Input.Status;
        body["is_active"] = Input.Active;
        if (ModelState.IsValid)
        {
            var def = Service<ResourceRegistry>().Find("prospects")!;
            var missing = false;
            var ok = await ConsoleForms.TryAsync(ModelState, Service<SchemaCatalog>(), async () =>
            {
                using var doc = JsonDocument.Parse(body.ToJsonString());
                await using var s = OpenSession();
                try { await Service<ResourceStore>().UpdateAsync(s, def, Id, doc.RootElement, null, Aborted); }
                catch (Platform.Errors.ProblemException p) when (p.Status == 404) { missing = true; }
            }, FieldOf);
            if (missing) return NotFound();
            if (ok)
            {
                TempData["flash"] = "Prospect saved.";
                return Redirect($"/app/prospects/{Id}");
            }
        }
        Response.StatusCode = 422;
        if (!await LoadAsync(fillForm: false)) return NotFound();
        return Page();
    }

    private async Task<bool> LoadAsync(bool fillForm)
    {
        await using var s = OpenSession();
        var facts = await ReadOnlyRecord.ReadAsync(s, """
            SELECT p.full_name, p.email, co.name, p.location, p.status, p.is_active, p.last_contacted_at, p.linkedin_url, p.created_at
            FROM prospects p LEFT JOIN companies co ON co.organization_id = p.organization_id AND co.id = p.company_id
            WHERE p.organization_id = $1 AND p.id = $2
            """, Id, Labels, Aborted);
        if (facts is null) return false;
        // Only http(s) profile links become links (a stored javascript: URL stays text).
        var shown = facts.Select(f => (f.Label, f.Value,
            f.Label == "LinkedIn" && Uri.TryCreate(f.Value, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" ? u.ToString() : (string?)null)).ToList();
        Record = new ReadOnlyRecord("Prospect", facts[0].Value ?? "Prospect", shown, "/app/prospects", "Prospects");
        ViewData["Title"] = Record.Title + " · Prospect";
        if (fillForm)
        {
            string? Value(string label) => facts.First(f => f.Label == label).Value;
            Input = new ProspectInput
            {
                FullName = Value("Name"), Email = Value("Email"), Location = Value("Location"), LinkedinUrl = Value("LinkedIn"),
                Status = Value("Status"), Active = Value("Active") == "yes",
            };
        }
        return true;
    }

    private static string FieldOf(string apiField) => apiField switch
    {
        "full_name" => "Input.FullName",
        "email" => "Input.Email",
        "location" => "Input.Location",
        "linkedin_url" => "Input.LinkedinUrl",
        "status" => "Input.Status",
        "is_active" => "Input.Active",
        _ => "",
    };

    private static string? Blank(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim();
}

/// <summary>The prospect form's fields (names Input.*).</summary>
public sealed class ProspectInput
{
    public string? FullName { get; set; }
    public string? Email { get; set; }
    public string? Location { get; set; }
    public string? LinkedinUrl { get; set; }
    public string? Status { get; set; }
    public bool Active { get; set; }
}
