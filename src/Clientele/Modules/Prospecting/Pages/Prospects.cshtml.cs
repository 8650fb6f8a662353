using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Modules.Prospecting.Outreach;
using Clientele.Modules.Prospecting.Research;
using Clientele.Modules.Sales;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Clientele.Modules.Prospecting.Pages;

/// <summary>
/// /app/prospects: the rep's prospecting desk. The review queue of outreach drafts (edit, approve,
/// send, discard; each claim shown with the row it came from), prospects with their latest research
/// (research again, draft an email or LinkedIn message), and coming events with the prospects they
/// target (draft their invitations in bulk). The same services as the API.
/// </summary>
public sealed class ProspectsModel : ConsolePage
{
    public sealed record Draft(Guid Id, string Type, string Status, string? Subject, string Content, JsonArray Citations, Guid ProspectId, string Prospect,
        string Company, string? Event, DateTime CreatedAt);

    public sealed record Row(Guid Id, string Name, string? JobTitle, string Company, string Industry, string Status, DateTime? LastContacted,
        string? Summary, double? Confidence, string? TopSolution, JsonArray Insights);

    public sealed record UpcomingEvent(Guid Id, string Type, DateTime Date, string Location, string Description, IReadOnlyList<EventProspect> Prospects);

    public IReadOnlyList<Draft> Drafts { get; private set; } = [];
    public IReadOnlyList<Row> Prospects { get; private set; } = [];
    public IReadOnlyList<UpcomingEvent> Events { get; private set; } = [];
    public string? Flash { get; private set; }
    public bool FlashOk { get; private set; }

    [BindProperty] public Guid? ProspectId { get; set; }
    [BindProperty] public Guid? DraftId { get; set; }
    [BindProperty] public Guid? EventId { get; set; }
    [BindProperty] public string? DraftType { get; set; }
    [BindProperty] public string? Subject { get; set; }
    [BindProperty] public string? Message { get; set; }

    public static string TypeLabel(string type) => type switch
    {
        "linkedin_message" => "LinkedIn message", "event_invitation" => "Event invitation", "email" => "Email",
        _ => char.ToUpperInvariant(type[0]) + type[1..].Replace('_', ' '),
    };

    public async Task OnGetAsync()
    {
        if (TempData["prospects"] is string f && f.Split('|', 2) is [var ok, var msg]) { Flash = msg; FlashOk = ok == "1"; }
        await LoadAsync();
    }

    public Task<IActionResult> OnPostResearchAsync() => RunAsync(ProspectId, async s =>
    {
        var (outcome, _) = await Service<ResearchProspect>().RunAsync(s, ProspectId!.Value, DateTime.UtcNow, Aborted);
        return (outcome, "Research updated.", $"prospect-{ProspectId}");
    });

    public Task<IActionResult> OnPostDraftAsync() => RunAsync(ProspectId, async s =>
    {
        var (outcome, id) = await Service<CreateDraft>().RunAsync(s, ProspectId!.Value, new CreateDraft.Body(DraftType, EventId), DateTime.UtcNow, Aborted);
        return (outcome, $"{TypeLabel(DraftType ?? "email")} drafted: review it below.", $"draft-{id}");
    });

    public Task<IActionResult> OnPostApproveAsync() => RunAsync(DraftId, async s =>
        (await Service<ReviewDraft>().ApproveAsync(s, DraftId!.Value, null, Aborted), "Approved: it can be sent now.", $"draft-{DraftId}"));

    public Task<IActionResult> OnPostDiscardAsync() => RunAsync(DraftId, async s =>
        (await Service<ReviewDraft>().DiscardAsync(s, DraftId!.Value, null, Aborted), "Discarded.", "review-heading"));

    public Task<IActionResult> OnPostSendAsync() => RunAsync(DraftId, async s =>
        (await SendDraft.RunAsync(s, DraftId!.Value, Service<SmtpRelay>(), DateTime.UtcNow, Aborted), "Sent, and logged on the prospect.", "review-heading"));

    public Task<IActionResult> OnPostInviteAsync() => RunAsync(EventId, async s =>
    {
        if (!await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM events WHERE organization_id = $1 AND id = $2)", [s.OrganizationId, EventId!.Value], Aborted))
            return (ActionOutcome.Missing("No such event."), "", "");
        var result = await ProspectingApi.DraftInvitationsAsync(s, Service<CreateDraft>(), EventId!.Value, Aborted);
        var n = result["created"]!.AsArray().Count;
        return (ActionOutcome.Done, n == 0 ? "Every matching prospect already has an invitation." : $"{n} invitation{(n == 1 ? "" : "s")} drafted: review them below.", "review-heading");
    });

    public async Task<IActionResult> OnPostEditAsync()
    {
        RequireWrite();
        if (DraftId is null) return NotFound();
        var content = Message?.Trim() ?? "";
        if (content.Length == 0) ModelState.AddModelError(nameof(Message), "The message cannot be empty.");
        else if (content.Length > 10000) ModelState.AddModelError(nameof(Message), "The message must be at most 10,000 characters.");
        if (Subject?.Trim().Length > 255) ModelState.AddModelError(nameof(Subject), "The subject must be at most 255 characters.");
        if (ModelState.IsValid)
        {
            await using var s = OpenSession();
            var before = await SalesRows.ReadAsync(s, "outreach_drafts", DraftId.Value, Aborted, forUpdate: true);
            if (before is null) return NotFound();
            if (before["status"]?.ToString() != "draft")
                ModelState.AddModelError(nameof(Message), $"The draft is {before["status"]}: only a draft waiting for review can be edited.");
            else
            {
                await s.ExecuteAsync("UPDATE outreach_drafts SET content = $3, subject = $4, updated_at = now() WHERE organization_id = $1 AND id = $2",
                    [s.OrganizationId, DraftId.Value, content, SqlArg.Text(string.IsNullOrWhiteSpace(Subject) ? null : Subject.Trim())], Aborted);
                await SalesRows.UpdatedAsync(s, "outreach_drafts", DraftId.Value, before, Aborted);
                await s.CommitAsync(Aborted);
                TempData["prospects"] = "1|Draft saved.";
                return Redirect($"/app/prospects#draft-{DraftId}");
            }
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    /// <summary>One action in one transaction: committed and redirected with a message, or the refusal shown on the page (nothing saved).</summary>
    private async Task<IActionResult> RunAsync(Guid? id, Func<TenantSession, Task<(ActionOutcome Outcome, string Done, string Anchor)>> action)
    {
        RequireWrite();
        if (id is null) return NotFound();
        string message;
        try
        {
            await using var s = OpenSession();
            var (outcome, done, anchor) = await action(s);
            if (outcome.Ok)
            {
                await s.CommitAsync(Aborted);
                TempData["prospects"] = "1|" + done;
                return Redirect($"/app/prospects#{anchor}");
            }
            if (outcome.Status == 404) return NotFound();
            message = $"Not done: the {outcome.Field?.Replace('_', ' ')} {outcome.Message}.";
        }
        catch (ProblemException p) when (p.Status is 403 or 409 or 410 or 422 or 503)
        {
            message = "Not done: " + (p.Detail ?? p.Title);
        }
        TempData["prospects"] = "0|" + message;
        return Redirect("/app/prospects");
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        Drafts = await s.ReadListAsync("""
            SELECT d.id, d.draft_type, d.status, d.subject, d.content, coalesce(d.citations, '[]')::text, p.id, p.full_name, c.name,
                   CASE WHEN e.id IS NOT NULL THEN e.event_type || ', ' || e.location || ', ' || to_char(e.event_date, 'YYYY-MM-DD') END, d.created_at
            FROM outreach_drafts d
            JOIN prospects p ON p.organization_id = d.organization_id AND p.id = d.prospect_id
            JOIN companies c ON c.organization_id = p.organization_id AND c.id = p.company_id
            LEFT JOIN events e ON e.organization_id = d.organization_id AND e.id = d.event_id
            WHERE d.organization_id = $1 AND d.status IN ('draft', 'approved')
            ORDER BY d.status = 'approved' DESC, d.created_at, d.id LIMIT 100
            """, [s.OrganizationId], r => new Draft(r.GetGuid(0), r.GetString(1), r.GetString(2), Str(r, 3), r.GetString(4), Array(r.GetString(5)), r.GetGuid(6),
                r.GetString(7), r.GetString(8), Str(r, 9), r.GetDateTime(10)), Aborted);
        Prospects = await s.ReadListAsync("""
            SELECT p.id, p.full_name, p.job_title, c.name, i.name, p.status, p.last_contacted_at, r.research_summary, r.confidence_score,
                   r.recommended_solutions->0->>'name', coalesce(r.key_insights, '[]')::text
            FROM prospects p
            JOIN companies c ON c.organization_id = p.organization_id AND c.id = p.company_id
            JOIN industries i ON i.organization_id = c.organization_id AND i.id = c.industry_id
            LEFT JOIN LATERAL (SELECT x.research_summary, x.confidence_score, x.recommended_solutions, x.key_insights FROM prospect_research x
                               WHERE x.organization_id = p.organization_id AND x.prospect_id = p.id ORDER BY x.created_at DESC, x.id DESC LIMIT 1) r ON true
            WHERE p.organization_id = $1 AND p.is_active
            ORDER BY c.name, p.full_name, p.id LIMIT 200
            """, [s.OrganizationId], r => new Row(r.GetGuid(0), r.GetString(1), Str(r, 2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetDateTime(6), Str(r, 7), r.IsDBNull(8) ? null : r.GetDouble(8), Str(r, 9), Array(r.GetString(10))), Aborted);
        var events = await s.ReadListAsync("""
            SELECT id, event_type, event_date, location, description FROM events
            WHERE organization_id = $1 AND status IN ('planned', 'upcoming') AND event_date >= now() ORDER BY event_date, id LIMIT 10
            """, [s.OrganizationId], r => (Id: r.GetGuid(0), Type: r.GetString(1), Date: r.GetDateTime(2), Location: r.GetString(3), Description: r.GetString(4)), Aborted);
        var list = new List<UpcomingEvent>();
        foreach (var e in events) list.Add(new UpcomingEvent(e.Id, e.Type, e.Date, e.Location, e.Description, await EventProspects.ListAsync(s, e.Id, Aborted)));
        Events = list;
    }

    private static JsonArray Array(string json) => JsonNode.Parse(json) as JsonArray ?? [];
    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
