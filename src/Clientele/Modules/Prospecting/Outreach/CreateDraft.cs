using System.Text.Json.Nodes;
using Clientele.Modules.Prospecting.Research;
using Clientele.Modules.Sales;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;

namespace Clientele.Modules.Prospecting.Outreach;

/// <summary>
/// POST /prospects/{id}/outreach_drafts {event_id?, draft_type}: writes a personalised draft from the
/// prospect's latest research (run first when there is none) and the event, with a citation for every
/// fact it uses, and puts it in the one approval queue (an approvals row, action send_outreach). It is
/// sent only once that approval is approved (SendDraft).
/// </summary>
public sealed class CreateDraft(ProspectingModel model, ResearchProspect research)
{
    public const string Workflow = "outreach_draft", ApprovalAction = "send_outreach", AgentId = "prospecting-assistant";
    public static readonly string[] Types = ["email", "linkedin_message", "event_invitation"];

    public sealed record Body(string? DraftType, Guid? EventId);

    private const string System = """
        You write short, personal sales outreach. Use only the numbered FACTS. Answer JSON:
        {"subject": "...", "body": "...", "citations": [{"quote": "a sentence copied exactly from body", "fact": "F1"}]}.
        Every sentence that states something about the prospect, their company or the event is cited. No invented facts.
        """;

    public async Task<(ActionOutcome Outcome, Guid? DraftId)> RunAsync(TenantSession s, Guid prospectId, Body body, DateTime now, CancellationToken ct)
    {
        if (body.DraftType is not { } type || !Types.Contains(type))
            return (ActionOutcome.Invalid("draft_type", "must be email, linkedin_message or event_invitation"), null);
        if (type == "event_invitation" && body.EventId is null) return (ActionOutcome.Invalid("event_id", "is required for an event invitation"), null);
        var active = await s.ScalarAsync<bool?>("SELECT is_active FROM prospects WHERE organization_id = $1 AND id = $2", [s.OrganizationId, prospectId], ct);
        if (active is null) return (ActionOutcome.Missing($"No prospect with id {prospectId}."), null);
        if (active == false) return (ActionOutcome.NotIn("inactive", "an inactive prospect gets no outreach; set is_active first"), null);
        EventFact? ev = null;
        if (body.EventId is { } eventId)
        {
            ev = await ReadEventAsync(s, eventId, ct);
            if (ev is null) return (ActionOutcome.Invalid("event_id", $"no event with id {eventId}"), null);
            if (ev.Status is "completed" or "cancelled") return (ActionOutcome.Invalid("event_id", $"the event is {ev.Status}"), null);
        }

        var researchId = await s.ScalarAsync<Guid?>("SELECT id FROM prospect_research WHERE organization_id = $1 AND prospect_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1",
            [s.OrganizationId, prospectId], ct);
        if (researchId is null) researchId = (await research.RunAsync(s, prospectId, now, ct)).ResearchId;

        var facts = (await ProspectFacts.ReadAsync(s, prospectId, now, ct))!;
        var ranked = SolutionRanker.Rank(facts);
        var sheet = FactSheet.Build(facts, ranked);
        Fact? eventFact = null;
        if (ev is not null)
            eventFact = sheet.Facts.FirstOrDefault(f => f.Source.Table == "events" && f.Source.Id == ev.Id)
                ?? sheet.Add($"The {ev.Type} on {FactSheet.Day(ev.Date)} in {ev.Location}: {ev.Description}" +
                             (ev.SolutionsFeatured.Count > 0 ? $" Featured: {string.Join(", ", ev.SolutionsFeatured)}." : ""), new FactSource("events", ev.Id));
        var builtIn = DraftWriter.Write(type, facts, sheet, ranked, ev, eventFact);
        var user = $"DRAFT TYPE: {type}\nPROSPECT: {facts.FullName} <{facts.Email}>\nBEST SOLUTION: {ranked.FirstOrDefault()?.Solution.Name ?? "none"}\n" +
                   $"EVENT: {(eventFact?.Key ?? "none")}\nFACTS (JSON):\n{sheet.ToJson().ToJsonString()}";
        var answer = await model.AskAsync(s, Workflow, type, System, user, () => (builtIn.Subject ?? "") + "\n" + builtIn.Body, ct);
        var draft = answer.Json is { } json ? FromModel(json, type, sheet) ?? builtIn : builtIn;

        var id = Guid.CreateVersion7();
        await s.ExecuteAsync("""
            INSERT INTO outreach_drafts (id, organization_id, prospect_id, event_id, draft_type, content, status, subject, citations, research_id)
            VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9)
            """, [id, s.OrganizationId, prospectId, SqlArg.Uuid(body.EventId), type, draft.Body, SqlArg.Text(draft.Subject), draft.CitationsJson(), SqlArg.Uuid(researchId)], ct);
        var approval = await RequestApprovalAsync(s, id, prospectId, type, facts, draft.Subject, ct);
        await s.ExecuteAsync("UPDATE outreach_drafts SET approval_id = $3 WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id, approval], ct);
        await SalesRows.CreatedAsync(s, "outreach_drafts", id, ct);
        return (ActionOutcome.Done, id);
    }

    /// <summary>The draft's pending approvals row: the queue (/app/approvals, the approvals API) shows and decides it like any other.</summary>
    public static async Task<Guid> RequestApprovalAsync(TenantSession s, Guid draftId, Guid prospectId, string type, ProspectFacts? facts, string? subject, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var who = facts is null ? "a prospect" : $"{facts.FullName} ({facts.Company})";
        var what = type switch { "linkedin_message" => "a LinkedIn message", "event_invitation" => "an event invitation", _ => "an email" };
        var details = $"Send {what} to {who}" + (subject is { Length: > 0 } ? $": \"{subject}\"" : "");
        var metadata = new JsonObject
        {
            ["outreach_draft_id"] = draftId.ToString(), ["prospect_id"] = prospectId.ToString(), ["source"] = "prospecting",
            ["requested_by"] = s.Tenant.UserId?.ToString(),
        };
        await s.ExecuteAsync("INSERT INTO approvals (id, organization_id, agent_id, action, details, status, metadata) VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
            [id, s.OrganizationId, AgentId, ApprovalAction, details, metadata], ct);
        await AuditWriter.WriteAsync(s, "approvals", id, "create", new JsonObject { ["after"] = new JsonObject { ["action"] = ApprovalAction, ["details"] = details, ["status"] = "pending" } }, ct);
        await DomainEvents.PublishRowAsync(s, "approvals", id, ct, null, "approval.requested");
        return id;
    }

    /// <summary>The model's draft, with only the citations whose quote is in the body and whose fact exists; null (the built-in draft stands) when none is left.</summary>
    internal static WrittenDraft? FromModel(JsonObject json, string type, FactSheet sheet)
    {
        if (json["body"] is not JsonValue bv || !bv.TryGetValue<string>(out var body) || string.IsNullOrWhiteSpace(body)) return null;
        body = body.Trim();
        var citations = new List<Citation>();
        if (json["citations"] is JsonArray list)
            foreach (var c in list.OfType<JsonObject>())
                if (c["quote"] is JsonValue qv && qv.TryGetValue<string>(out var quote) && quote.Trim().Length > 0 && body.Contains(quote.Trim(), StringComparison.Ordinal)
                    && sheet.Find(c["fact"]?.ToString()) is { } fact)
                    citations.Add(new Citation(quote.Trim(), fact));
        if (citations.Count == 0) return null;
        var subject = type == "linkedin_message" ? null : json["subject"] is JsonValue sv && sv.TryGetValue<string>(out var sub) && sub.Trim().Length > 0 ? Cut(sub.Trim(), 255) : null;
        return new WrittenDraft(subject, body, citations);
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    public static Task<EventFact?> ReadEventAsync(TenantSession s, Guid eventId, CancellationToken ct) => s.QueryFirstAsync("""
        SELECT id, event_type, event_date, description, location, status, coalesce(target_industries, '[]')::text, coalesce(target_roles, '[]')::text,
               coalesce(solutions_featured, '[]')::text
        FROM events WHERE organization_id = $1 AND id = $2
        """, [s.OrganizationId, eventId], r => new EventFact(r.GetGuid(0), r.GetString(1), DateTime.SpecifyKind(r.GetDateTime(2), DateTimeKind.Utc), r.GetString(3),
            r.GetString(4), r.GetString(5), ProspectFacts.Strings(r.GetString(6)), ProspectFacts.Strings(r.GetString(7)), ProspectFacts.Strings(r.GetString(8)), false), ct);
}
