using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Events;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Success.SavePlays;

/// <summary>POST /api/v1/save_plays/{id}/close {outcome, arr_saved?, outcome_notes?}: records how a save play ended.</summary>
public static class SavePlaysApi
{
    public sealed record CloseBody(string? Outcome, decimal? ArrSaved, string? OutcomeNotes);

    public static readonly string[] Outcomes = ["saved", "partially_saved", "downgraded", "churned"];

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/save_plays/{id}/close", Close).WithTags("Success").WithName("CloseSavePlay")
            .WithSummary("Close a save play {outcome: saved|partially_saved|downgraded|churned, arr_saved?, outcome_notes?} → completed (churned → cancelled) with closed_at; 409 when already closed");

    private static async Task<IResult> Close(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant, ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot close save plays.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No save play with id {id}.");
        var body = await JsonBody.ReadAsync<CloseBody>(ctx);
        var ct = ctx.RequestAborted;
        var errors = new FieldErrors();
        if (body.Outcome is null || !Outcomes.Contains(body.Outcome)) errors.Add("outcome", $"must be one of {string.Join(", ", Outcomes)}");
        if (body.ArrSaved is < 0) errors.Add("arr_saved", "must be 0 or more");
        if (body.OutcomeNotes is { Length: > 4000 }) errors.Add("outcome_notes", "must be at most 4000 characters");
        errors.ThrowIfAny();
        await using var s = sessions.Open(tenant);
        var row = await s.QueryFirstAsync("SELECT status, arr_at_risk FROM save_plays WHERE organization_id = $1 AND id = $2 FOR UPDATE", [s.OrganizationId, guid],
            r => (Status: r.GetString(0), ArrAtRisk: r.IsDBNull(1) ? (decimal?)null : r.GetDecimal(1)), ct);
        if (row.Status is null) throw ProblemException.NotFound($"No save play with id {id}.");
        if (row.Status is "completed" or "cancelled") throw ProblemException.Conflict($"The save play is already {row.Status}.", new Dictionary<string, string[]> { ["status"] = [$"is {row.Status}"] });
        var saved = body.ArrSaved ?? (body.Outcome == "saved" ? row.ArrAtRisk ?? 0 : body.Outcome == "churned" ? 0 : null);
        if (saved is { } v && row.ArrAtRisk is { } risk && v > risk) throw ProblemException.Validation("arr_saved", $"must be at most the ARR at risk ({risk:0.00})");
        var status = body.Outcome == "churned" ? "cancelled" : "completed";
        await s.ExecuteAsync("""
            UPDATE save_plays SET status = $3, outcome = $4, arr_saved = $5, outcome_notes = $6, closed_at = greatest(now(), created_at)
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, guid, status, body.Outcome!, SqlArg.Typed(saved, NpgsqlTypes.NpgsqlDbType.Numeric), SqlArg.Text(body.OutcomeNotes)], ct);
        await AuditWriter.WriteAsync(s, "save_plays", guid, "update", new JsonObject
        {
            ["before"] = new JsonObject { ["status"] = row.Status }, ["after"] = new JsonObject { ["status"] = status, ["outcome"] = body.Outcome, ["arr_saved"] = saved },
        }, ct);
        await DomainEvents.PublishRowAsync(s, "save_plays", guid, ct, new JsonObject { ["status"] = row.Status }, "save_plays.updated", "save_play.closed");
        var result = await store.GetAsync(s, registry.Find("save_plays")!, guid, [], false, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(result.Json, 200, result.ETag);
    }
}
