using System.Text.Json.Nodes;
using Clientele.Modules.Success.Renewals;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Success.Qbrs;

/// <summary>
/// QBR preparation (issue 11 item 6): prepare a draft from the account's rows, download its deck,
/// review it, then share it (never before the review). Completing the QBR (PATCH status=completed)
/// ticks the renewal checklist (migration 0046's trigger).
/// </summary>
public static class QbrsApi
{
    public sealed record PrepareBody(string? Quarter);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("").WithTags("Success");
        g.MapPost("/customers/{id}/qbrs/prepare", Prepare).WithName("PrepareQbr")
            .WithSummary("Draft the customer's QBR of {quarter: \"Q1 2027\"} from their rows (health, usage, conversations, invoices, risks, expansion, renewal): 201 with the qbr (200 when the quarter's draft was refreshed; its review is cleared)");
        g.MapGet("/qbrs/{id}/deck.pdf", Deck).WithName("QbrDeck")
            .WithSummary("The prepared QBR as a PDF deck with charts; marked DRAFT until reviewed");
        g.MapPost("/qbrs/{id}/review", Review).WithName("ReviewQbr")
            .WithSummary("Mark the prepared QBR reviewed (reviewed_by, reviewed_at): the deck loses its DRAFT mark and can be shared");
        g.MapPost("/qbrs/{id}/share", Share).WithName("ShareQbr")
            .WithSummary("Mark the reviewed QBR shared (shared_at, presentation_url = the deck); 409 until it is reviewed");
    }

    public static DateOnly ParseQuarterOrThrow(string? quarter) =>
        quarter is null ? throw ProblemException.Validation("quarter", "is required, like Q1 2027")
            : RenewalsApi.ParseQuarter(quarter) ?? throw ProblemException.Validation("quarter", "must look like Q1 2027 or 2027-Q1");

    private static Guid Id(string id, string what) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No {what} with id {id}.");

    private static async Task<IResult> Prepare(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot prepare QBRs.");
        var customer = Id(id, "customer");
        var body = await JsonBody.ReadAsync<PrepareBody>(ctx);
        var start = ParseQuarterOrThrow(body.Quarter);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var prepared = await QbrPreparer.PrepareAsync(s, customer, start, tenant.UserId, DateTime.UtcNow, ct);
        await AuditWriter.WriteAsync(s, "qbrs", prepared.Id, prepared.Created ? "create" : "update", new JsonObject { ["after"] = new JsonObject { ["prepared"] = true } }, ct);
        var result = await store.GetAsync(s, registry.Find("qbrs")!, prepared.Id, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(result.Json, prepared.Created ? 201 : 200, result.ETag, prepared.Created ? $"/api/v1/qbrs/{prepared.Id}" : null);
    }

    private static async Task<IResult> Deck(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var qbr = Id(id, "QBR");
        await using var s = sessions.Open(tenant);
        var deck = await QbrDeck.RenderAsync(s, qbr, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No prepared QBR with id {id} (prepare it first).");
        return TypedResults.File(deck.Bytes, "application/pdf", deck.FileName);
    }

    private static Task<IResult> Review(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store) =>
        MarkAsync(id, ctx, sessions, tenant, registry, store, "review");

    private static Task<IResult> Share(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store) =>
        MarkAsync(id, ctx, sessions, tenant, registry, store, "share");

    private static async Task<IResult> MarkAsync(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store, string step)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden($"The viewer role (or a read-only API key) cannot {step} QBRs.");
        var qbr = Id(id, "QBR");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        await MarkAsync(s, qbr, tenant.UserId, step, ct);
        var result = await store.GetAsync(s, registry.Find("qbrs")!, qbr, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }

    /// <summary>Review or share one prepared QBR in the caller's session (the console uses it too).</summary>
    public static async Task MarkAsync(TenantSession s, Guid qbr, Guid? userId, string step, CancellationToken ct)
    {
        var row = await s.QueryFirstAsync("SELECT prepared_at IS NOT NULL, reviewed_at IS NOT NULL, shared_at IS NOT NULL FROM qbrs WHERE organization_id = $1 AND id = $2 FOR UPDATE",
            [s.OrganizationId, qbr], r => (Prepared: r.GetBoolean(0), Reviewed: r.GetBoolean(1), Shared: r.GetBoolean(2)), ct);
        if (!row.Prepared) throw ProblemException.NotFound($"No prepared QBR with id {qbr} (prepare it first).");
        if (step == "share" && !row.Reviewed)
            throw ProblemException.Conflict("Review the QBR draft before sharing it.", new Dictionary<string, string[]> { ["reviewed_at"] = ["is empty: review the draft first"] });
        if (step == "review" && !row.Reviewed)
            await s.ExecuteAsync("UPDATE qbrs SET reviewed_by = $3, reviewed_at = now() WHERE organization_id = $1 AND id = $2", [s.OrganizationId, qbr, SqlArg.Uuid(userId)], ct);
        else if (step == "share" && !row.Shared)
            await s.ExecuteAsync("UPDATE qbrs SET shared_at = now(), presentation_url = $3 WHERE organization_id = $1 AND id = $2",
                [s.OrganizationId, qbr, $"/api/v1/qbrs/{qbr}/deck.pdf"], ct);
        else return; // already done: idempotent
        await AuditWriter.WriteAsync(s, "qbrs", qbr, "update", new JsonObject { ["after"] = new JsonObject { [step == "review" ? "reviewed" : "shared"] = true } }, ct);
        await DomainEvents.PublishRowAsync(s, "qbrs", qbr, ct, null, "qbrs.updated", step == "review" ? "qbr.reviewed" : "qbr.shared");
    }
}
