using System.Text.Json.Nodes;
using Clientele.Modules.Email;
using Clientele.Modules.Prospecting.Outreach;
using Clientele.Modules.Prospecting.Research;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Prospecting;

/// <summary>The prospecting assistant's endpoints (docs/sales.md, "Prospecting assistant"): research, drafts and their review, an event's prospects.</summary>
public static class ProspectingApi
{
    public const int BulkLimit = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var prospects = api.MapGroup("/prospects/{id}").WithTags("Prospecting");
        prospects.MapPost("/research", (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store,
                ResearchProspect research) =>
            CreatedAsync(ctx, sessions, tenant, registry, store, "prospect_research", "prospect", id, (s, g) => research.RunAsync(s, g, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("ResearchProspect")
            .WithSummary("Writes a prospect_research row (201): summary, key_insights each with its source {table, id, field}, recommended_solutions ranked by industry match and keyword/use-case overlap, confidence_score; one llm_usage_logs row (prospect_research/research)");
        prospects.MapPost("/outreach_drafts", async (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store,
            CreateDraft drafts) =>
        {
            var body = await JsonBody.ReadAsync<CreateDraft.Body>(ctx);
            return await CreatedAsync(ctx, sessions, tenant, registry, store, "outreach_drafts", "prospect", id, (s, g) => drafts.RunAsync(s, g, body, DateTime.UtcNow, ctx.RequestAborted));
        }).WithName("DraftOutreach")
            .WithSummary("{draft_type: email|linkedin_message|event_invitation, event_id?}: a personalised draft with citations (each quoted sentence, its fact and source row), pending in the approval queue (201); one llm_usage_logs row (outreach_draft/{draft_type})");

        var drafts = api.MapGroup("/outreach_drafts/{id}").WithTags("Prospecting");
        drafts.MapPost("/approve", async (string id, HttpContext ctx, ActionEndpoint e, ReviewDraft review) =>
        {
            var body = await JsonBody.ReadOptionalAsync<ReviewDraft.Body>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "outreach_drafts", id, (s, g) => review.ApproveAsync(s, g, body.Comment, ctx.RequestAborted));
        }).WithName("ApproveOutreachDraft").WithSummary("{comment?}: approves the draft's approvals row (the one queue); the draft becomes approved. 409 unless draft");
        drafts.MapPost("/discard", async (string id, HttpContext ctx, ActionEndpoint e, ReviewDraft review) =>
        {
            var body = await JsonBody.ReadOptionalAsync<ReviewDraft.Body>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "outreach_drafts", id, (s, g) => review.DiscardAsync(s, g, body.Comment, ctx.RequestAborted));
        }).WithName("DiscardOutreachDraft").WithSummary("{comment?}: archives a draft not yet sent and rejects its pending approval");
        drafts.MapPost("/send", (string id, HttpContext ctx, ActionEndpoint e, SmtpRelay relay) =>
            e.RunAsync(ctx, "outreach_drafts", id, (s, g) => SendDraft.RunAsync(s, g, relay, DateTime.UtcNow, ctx.RequestAborted)))
            .WithName("SendOutreachDraft")
            .WithSummary("An approved draft goes out (email through SMTP; a LinkedIn message is recorded as sent by the rep), logs an interactions row and sets the prospect's last_contacted_at. 409 until approved, 503 without SMTP");

        var events = api.MapGroup("/events/{id}").WithTags("Prospecting");
        events.MapGet("/prospects", async (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant) =>
        {
            await using var s = sessions.Open(tenant);
            var eventId = await EventIdAsync(s, id, ctx.RequestAborted);
            var list = await EventProspects.ListAsync(s, eventId, ctx.RequestAborted);
            return TypedResults.Json(new JsonObject { ["data"] = new JsonArray(list.Select(p => (JsonNode)p.ToJson()).ToArray()) });
        }).WithName("EventProspects")
            .WithSummary("Active prospects matching the event's target_industries (company industry) and target_roles (job title), with their latest research and invitation draft");
        events.MapPost("/draft_invitations", async (string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, CreateDraft create) =>
        {
            if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot draft outreach.");
            await using var s = sessions.Open(tenant);
            var eventId = await EventIdAsync(s, id, ctx.RequestAborted);
            var result = await DraftInvitationsAsync(s, create, eventId, ctx.RequestAborted);
            await s.CommitAsync(ctx.RequestAborted);
            return TypedResults.Json(result);
        }).WithName("DraftEventInvitations")
            .WithSummary($"Bulk: an event_invitation draft (pending approval) for each matching prospect that has none yet, at most {BulkLimit} a call; answers created, skipped and remaining");
    }

    /// <summary>The bulk action (API and console): drafts invitations for matching prospects without one, in the caller's transaction.</summary>
    public static async Task<JsonObject> DraftInvitationsAsync(TenantSession s, CreateDraft create, Guid eventId, CancellationToken ct)
    {
        var matching = await EventProspects.ListAsync(s, eventId, ct);
        var todo = matching.Where(p => p.InvitationId is null).ToList();
        var created = new JsonArray();
        foreach (var p in todo.Take(BulkLimit))
        {
            var (outcome, draft) = await create.RunAsync(s, p.ProspectId, new CreateDraft.Body("event_invitation", eventId), DateTime.UtcNow, ct);
            outcome.ThrowIfRefused();
            created.Add(draft!.Value.ToString());
        }
        return new JsonObject { ["created"] = created, ["skipped"] = matching.Count - todo.Count, ["remaining"] = Math.Max(0, todo.Count - BulkLimit) };
    }

    private static async Task<Guid> EventIdAsync(TenantSession s, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var g) && await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM events WHERE organization_id = $1 AND id = $2)", [s.OrganizationId, g], ct)
            ? g : throw ProblemException.NotFound($"No event with id {id}.");

    /// <summary>Like ActionEndpoint, for an action that creates a row: writers only, one transaction, 201 with the new row or the action's problem.</summary>
    private static async Task<IResult> CreatedAsync(HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store,
        string table, string what, string id, Func<TenantSession, Guid, Task<(ActionOutcome Outcome, Guid? Id)>> action)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden($"The viewer role (or a read-only API key) cannot change {table}.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No {what} with id {id}.");
        await using var s = sessions.Open(tenant);
        var (outcome, created) = await action(s, guid);
        outcome.ThrowIfRefused();
        var row = await store.GetAsync(s, registry.Find(table)!, created!.Value, [], false, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return new JsonBytesResult(row.Json, 201, row.ETag);
    }
}
