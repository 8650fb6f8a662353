using System.Text.Json.Nodes;
using Clientele.Platform.Jobs;

namespace Clientele.Modules.Channels.Jobs;

/// <summary>inbound.status: a provider's sent/delivered/read/failed callback moves the message's delivery status forward.</summary>
public sealed class InboundStatusJob : IJobHandler
{
    public string Topic => "inbound.status";

    private sealed record Payload(Guid InboundEventId);

    public async Task HandleAsync(JobContext job, CancellationToken ct)
    {
        var s = job.Session;
        var eventId = job.Read<Payload>().InboundEventId;
        JsonObject payload;
        await using (var cmd = await s.CommandAsync("SELECT payload::text FROM inbound_events WHERE organization_id = $1 AND id = $2 AND processed_at IS NULL", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(eventId);
            if (await cmd.ExecuteScalarAsync(ct) is not string text) return;
            payload = JsonNode.Parse(text)!.AsObject();
        }
        var platformId = payload["message_id"]!.GetValue<string>();
        Guid? messageId = null;
        await using (var find = await s.CommandAsync("SELECT id FROM messages WHERE organization_id = $1 AND platform_message_id = $2", ct))
        {
            find.Parameters.AddWithValue(s.OrganizationId);
            find.Parameters.AddWithValue(platformId);
            messageId = await find.ExecuteScalarAsync(ct) as Guid?;
        }
        if (messageId is null)
        {
            // A status can overtake our own record of the send (Meta answers the send call and
            // then calls back): retry shortly instead of dropping it.
            if (!job.IsLastAttempt) throw new RetryLaterException($"no message with platform id {platformId} yet", TimeSpan.FromSeconds(2));
            return;
        }
        var status = payload["status"]!.GetValue<string>();
        string? error = null;
        if (payload["errors"] is JsonArray errors && errors.Count > 0)
            error = string.Join("; ", errors.Select(e => $"{e?["code"]} {e?["title"]}: {e?["message"] ?? e?["error_data"]?["details"]}".Trim()));
        await DeliveryStatuses.AdvanceAsync(s, messageId.Value, platformId, status, error, ct);
        if (status == "failed")
        {
            await using var fail = await s.CommandAsync("UPDATE messages SET status = 'failed' WHERE organization_id = $1 AND id = $2", ct);
            fail.Parameters.AddWithValue(s.OrganizationId);
            fail.Parameters.AddWithValue(messageId.Value);
            await fail.ExecuteNonQueryAsync(ct);
        }
        // The event is the queue entry: the worker marks it processed in this transaction.
    }
}
