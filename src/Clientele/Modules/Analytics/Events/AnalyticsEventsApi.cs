using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
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
        List<ProductEvent> events;
        using (var doc = BodyBinder.ParseDocument(await JsonBody.ReadBytesAsync(ctx)))
            events = EventBatch.Parse(doc.RootElement, DateTime.UtcNow);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var inserted = await InsertAsync(s, events, ct);
        await s.CommitAsync(ct);
        // Written straight to the response: a thousand ids through a JsonArray cost more than the insert's own CPU.
        ctx.Response.ContentType = "application/json";
        await using (var w = new Utf8JsonWriter(ctx.Response.BodyWriter))
        {
            w.WriteStartObject();
            w.WriteString("object", "analytics_events.batch");
            w.WriteNumber("received", events.Count);
            w.WriteNumber("inserted", inserted);
            w.WriteNumber("duplicates", events.Count - inserted);
            w.WriteStartArray("ids");
            foreach (var e in events) w.WriteStringValue(e.Id);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Results.Empty;
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
        // One statement: the batch arrives as binary arrays (no temporary table to create and drop per batch),
        // records the ids not seen before and inserts exactly those events.
        await using var cmd = await s.CommandAsync("""
            WITH b AS (
              SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::jsonb[], $7::uuid[], $8::timestamptz[])
                AS b(id, event_type, resource_type, resource_id, properties, user_id, created_at)),
            fresh AS (
              INSERT INTO analytics_event_ids (organization_id, id) SELECT $1, id FROM b
              ON CONFLICT DO NOTHING RETURNING id)
            INSERT INTO analytics_events (id, organization_id, event_type, resource_type, resource_id, properties, user_id, created_at)
            SELECT b.id, $1, b.event_type, b.resource_type, b.resource_id, b.properties, b.user_id, b.created_at
            FROM b JOIN fresh f ON f.id = b.id
            """, ct);
        var n = events.Count;
        var (ids, types, resourceTypes, resourceIds, props, users, times) =
            (new Guid[n], new string[n], new string?[n], new Guid?[n], new string[n], new Guid?[n], new DateTime[n]);
        for (var i = 0; i < n; i++)
        {
            var e = events[i];
            (ids[i], types[i], resourceTypes[i], resourceIds[i], props[i], users[i], times[i]) =
                (e.Id, e.EventType, e.ResourceType, e.ResourceId, e.Properties, e.UserId, e.CreatedAt);
        }
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(types);
        cmd.Parameters.Add(new NpgsqlParameter { Value = resourceTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = resourceIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = props, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = users, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.AddWithValue(times);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
