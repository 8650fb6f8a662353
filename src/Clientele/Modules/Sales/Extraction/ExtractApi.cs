using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>POST /api/v1/conversations/{id}/extract: a new extraction now → 201 with the extractions row.</summary>
public static class ExtractApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/conversations/{id}/extract", Extract).WithTags("Conversations").WithName("ExtractLead")
            .WithSummary("Score the conversation's lead now: a new latest extractions row (201), the lead updated, owners notified when it turns Hot");

    private static async Task<IResult> Extract(string id, HttpContext ctx, TenantContext tenant, TenantSessions sessions, LeadExtractor extractor,
        ResourceRegistry registry, ResourceStore store)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        if (!Guid.TryParse(id, out var conversationId)) throw ProblemException.NotFound($"No conversation with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var snapshot = await ConversationSnapshot.LoadAsync(s, conversationId, ct) ?? throw ProblemException.NotFound($"No conversation with id {id}.");
        if (snapshot.CustomerMessageCount == 0)
            throw ProblemException.Conflict("The customer has not written anything in this conversation yet: there is nothing to extract.");
        var outcome = await extractor.ExtractAsync(s, snapshot, LeadExtractor.Manual, ct);
        var row = await store.GetAsync(s, registry.Find("extractions")!, outcome.ExtractionId, [], false, ct);
        await AuditWriter.WriteAsync(s, "extractions", outcome.ExtractionId, "create", new JsonObject { ["after"] = JsonNode.Parse(row.Json) }, ct);
        await s.CommitAsync(ct);
        return new JsonBytesResult(row.Json, 201, row.ETag, $"/api/v1/extractions/{outcome.ExtractionId}");
    }
}
