using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Channels;

/// <summary>
/// Persists inbound items fast: the new inbound_events (duplicates by provider id are skipped)
/// are handed to the group commit (<see cref="InboundWriter"/>), which writes concurrent
/// deliveries in one statement per organization and one transaction, and this returns after that
/// commit. Each received event is its own queue entry (migration 0100): the outbox workers claim
/// it, so nothing else is written here. Rejected items (the parser could not read them) are kept
/// with status 'rejected' and their reason and are never claimed; items naming no readable
/// channel are logged and counted unrouted.
/// </summary>
public sealed class InboundIngestor(ChannelResolver resolver, InboundWriter writer, ILogger<InboundIngestor> logger)
{
    public sealed record Result(int Received, int New, int Unrouted, int Rejected);

    public async Task<Result> IngestAsync(IReadOnlyList<InboundItem> items, CancellationToken ct)
    {
        var unrouted = 0;
        var rejected = 0;
        foreach (var lost in items.Where(i => i.ChannelId.Length == 0))
        {
            unrouted++;
            logger.LogWarning("Inbound {Platform} delivery part names no readable channel and is dropped: {Reason}", lost.Platform, lost.Rejected);
        }
        var writes = new List<Task<int>>();
        foreach (var group in items.Where(i => i.ChannelId.Length > 0).GroupBy(i => (i.Platform, i.ChannelId)))
        {
            var channel = await resolver.ResolveAsync(group.Key.Platform, group.Key.ChannelId, ct);
            if (channel is null)
            {
                unrouted += group.Count();
                logger.LogWarning("Inbound {Platform} events for unknown channel {ChannelId} ignored", group.Key.Platform, group.Key.ChannelId);
                continue;
            }
            // One row per provider id even if the same payload lists it twice.
            var list = group.DistinctBy(i => (i.Kind, i.ExternalId)).ToList();
            rejected += list.Count(i => i.Rejected is not null);
            foreach (var i in list) i.Payload["platform"] = i.Platform;
            writes.Add(writer.WriteAsync(channel.OrganizationId, list.Select(i => new InboundWriter.Row(
                i.Platform, i.Kind, i.ExternalId.Length > 255 ? i.ExternalId[..255] : i.ExternalId, channel.PhoneNumberId,
                i.Payload.ToJsonString(), i.Rejected)).ToList(), ct));
        }
        var created = (await Task.WhenAll(writes)).Sum();
        return new Result(items.Count, created, unrouted, rejected);
    }

    /// <summary>A signed delivery's root, or null (logged) when it is not JSON at all: it is still acknowledged, as unrouted.</summary>
    public JsonElement? ParseBody(string platform, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            logger.LogWarning("A signed {Platform} delivery is not JSON and is dropped: {Reason}", platform, e.Message);
            return null;
        }
    }

    public static object Answer(Result r) => new { received = r.Received, @new = r.New, unrouted = r.Unrouted, rejected = r.Rejected };
}
