using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Events;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Automation.Webhooks;

/// <summary>
/// For each delivered domain event, one webhook_deliveries row and one outbox row (topic
/// webhooks.deliver) per enabled endpoint subscribed to its type, in the dispatch job's
/// transaction (unique per endpoint and event, so a re-delivered batch adds nothing).
/// </summary>
public sealed class WebhookFanout(Outbox outbox) : IDomainEventSubscriber
{
    /// <summary>Only through the organization's enabled endpoints.</summary>
    public EventInterest InterestIn(EventHead e) => EventInterest.WhenOrganizationAutomates;

    public async Task OnEventsAsync(JobContext job, IReadOnlyList<PublishedEvent> events, CancellationToken ct)
    {
        var s = job.Session;
        var endpoints = new List<(Guid Id, string[] Events)>();
        await using (var cmd = await s.CommandAsync("SELECT id, events FROM webhook_endpoints WHERE organization_id = $1 AND enabled", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) endpoints.Add((r.GetGuid(0), r.GetFieldValue<string[]>(1)));
        }
        if (endpoints.Count == 0) return;
        foreach (var e in events)
        {
            foreach (var (endpointId, patterns) in endpoints.Where(x => Subscribed(x.Events, e.Type)))
            {
                var id = Guid.CreateVersion7();
                await using var ins = await s.CommandAsync("""
                    INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event_id, event_type, payload, next_attempt_at)
                    VALUES ($1, $2, $3, $4, $5, $6, now())
                    ON CONFLICT (organization_id, endpoint_id, event_id) WHERE replay_of IS NULL DO NOTHING
                    """, ct);
                ins.Parameters.AddWithValue(id);
                ins.Parameters.AddWithValue(s.OrganizationId);
                ins.Parameters.AddWithValue(endpointId);
                ins.Parameters.AddWithValue(e.Id);
                ins.Parameters.AddWithValue(e.Type);
                ins.Parameters.AddWithValue(Body(e));
                if (await ins.ExecuteNonQueryAsync(ct) == 1) await EnqueueAsync(outbox, s, id, ct);
            }
        }
    }

    public static Task EnqueueAsync(Outbox outbox, TenantSession s, Guid deliveryId, CancellationToken ct, DateTime? at = null) =>
        outbox.EnqueueAsync(s, WebhookDeliveryJob.TopicName, new { delivery_id = deliveryId }, ct, at, maxAttempts: 1000);

    public static bool Subscribed(IEnumerable<string> patterns, string type) => patterns.Any(p =>
        p == "*" || p == type || (p.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(p[..^1], StringComparison.Ordinal)));

    /// <summary>The body receivers get: the event envelope (id, type, created_at, data, previous...).</summary>
    public static string Body(PublishedEvent e) => new JsonObject
    {
        ["id"] = e.Id, ["type"] = e.Type, ["created_at"] = e.CreatedAt.ToUniversalTime().ToString("O"),
        ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId, ["customer_id"] = e.CustomerId,
        ["data"] = JsonNode.Parse(e.Data.GetRawText()),
        ["changed_fields"] = new JsonArray(e.ChangedFields.Select(f => (JsonNode)f).ToArray()),
        ["previous"] = e.Previous is { ValueKind: JsonValueKind.Object } p ? JsonNode.Parse(p.GetRawText()) : null,
    }.ToJsonString();
}
