using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NpgsqlTypes;

namespace Clientele.Modules.Analytics.Events;

/// <summary>POST /api/v1/analytics_events/batch: up to 1,000 product events in one statement, idempotent by event id.</summary>
public static class AnalyticsEventsApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/analytics_events/batch", PostBatch).WithTags("Analytics").WithName("AnalyticsEventsBatch")
            .WithSummary("Record up to 1,000 product events at once; an event whose id was already accepted is skipped (a retried batch inserts nothing twice)");

    private static async Task<IResult> PostBatch(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot record events.");
        var events = EventBatch.Parse(BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx)), DateTime.UtcNow);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var inserted = await InsertAsync(s, events, ct);
        await s.CommitAsync(ct);
        var body = new JsonObject
        {
            ["object"] = "analytics_events.batch", ["received"] = events.Count, ["inserted"] = inserted, ["duplicates"] = events.Count - inserted,
            ["ids"] = new JsonArray(events.Select(e => (JsonNode)JsonValue.Create(e.Id.ToString())).ToArray()),
        };
        return Results.Text(body.ToJsonString(), "application/json");
    }

    /// <summary>
    /// Inserts the events whose id this organization has not seen (analytics_event_ids' primary key
    /// decides, so two concurrent copies of a batch insert it once). A user_id that is not a user of
    /// the organization is a 422 naming the event, and nothing is written.
    /// </summary>
    public static async Task<int> InsertAsync(TenantSession s, IReadOnlyList<ProductEvent> events, CancellationToken ct)
    {
        var userIds = events.Where(e => e.UserId is not null).Select(e => e.UserId!.Value).Distinct().ToArray();
        if (userIds.Length > 0)
        {
            var known = (await s.QueryAsync("SELECT id FROM users WHERE organization_id = $1 AND id = ANY($2)", [s.OrganizationId, userIds], r => r.GetGuid(0), ct)).ToHashSet();
            var errors = new FieldErrors();
            for (var i = 0; i < events.Count; i++)
                if (events[i].UserId is { } u && !known.Contains(u)) errors.Add($"events[{i}].user_id", "is not a user of this organization");
            errors.ThrowIfAny();
        }
        // The batch is binary-COPYed into a session-private table, then one statement records the ids not
        // seen before and inserts exactly those events.
        await StagingTable.CopyAsync(s, "analytics_batch",
            "id uuid NOT NULL, event_type text NOT NULL, resource_type text, resource_id uuid, properties jsonb NOT NULL, user_id uuid, created_at timestamptz NOT NULL",
            events, async (w, e, c) =>
            {
                await w.WriteAsync(e.Id, NpgsqlDbType.Uuid, c);
                await w.WriteAsync(e.EventType, NpgsqlDbType.Text, c);
                await w.WriteOrNullAsync(e.ResourceType, NpgsqlDbType.Text, c);
                await w.WriteOrNullAsync(e.ResourceId, NpgsqlDbType.Uuid, c);
                await w.WriteAsync(e.Properties, NpgsqlDbType.Jsonb, c);
                await w.WriteOrNullAsync(e.UserId, NpgsqlDbType.Uuid, c);
                await w.WriteAsync(e.CreatedAt, NpgsqlDbType.TimestampTz, c);
            }, ct);
        return await s.ExecuteAsync("""
            WITH fresh AS (
              INSERT INTO analytics_event_ids (organization_id, id) SELECT $1, id FROM analytics_batch
              ON CONFLICT DO NOTHING RETURNING id)
            INSERT INTO analytics_events (id, organization_id, event_type, resource_type, resource_id, properties, user_id, created_at)
            SELECT b.id, $1, b.event_type, b.resource_type, b.resource_id, b.properties, b.user_id, b.created_at
            FROM analytics_batch b JOIN fresh f ON f.id = b.id
            """, [s.OrganizationId], ct);
    }
}
