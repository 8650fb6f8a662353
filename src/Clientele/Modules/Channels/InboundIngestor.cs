using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Channels;

/// <summary>
/// Persists inbound items fast: per organization one statement inserts the new inbound_events
/// (duplicates by provider id are skipped), sent as one batch with the tenant setting, i.e. one
/// round trip and one implicit transaction. Each received event is its own queue entry (migration
/// 0100): the outbox workers claim it, so nothing else is written here. Rejected items (the parser
/// could not read them) are kept with status 'rejected' and their reason and are never claimed;
/// items naming no readable channel are logged and counted unrouted.
/// </summary>
public sealed class InboundIngestor(ChannelResolver resolver, TenantSessions sessions, OutboxSignal signal, ILogger<InboundIngestor> logger)
{
    public sealed record Result(int Received, int New, int Unrouted, int Rejected);

    private const string Sql = """
        INSERT INTO inbound_events (id, organization_id, provider, kind, external_id, phone_number_id, payload, status, rejected_reason)
        SELECT id, $1, provider, kind, external_id, phone_number_id, payload,
               CASE WHEN reason IS NULL THEN 'received' ELSE 'rejected' END, reason
        FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::text[])
          AS t(id, provider, kind, external_id, phone_number_id, payload, reason)
        ON CONFLICT (organization_id, provider, kind, external_id) DO NOTHING
        RETURNING status = 'received'
        """;

    public async Task<Result> IngestAsync(IReadOnlyList<InboundItem> items, CancellationToken ct)
    {
        var created = 0;
        var unrouted = 0;
        var rejected = 0;
        foreach (var lost in items.Where(i => i.ChannelId.Length == 0))
        {
            unrouted++;
            logger.LogWarning("Inbound {Platform} delivery part names no readable channel and is dropped: {Reason}", lost.Platform, lost.Rejected);
        }
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
            var tenant = new TenantContext { OrganizationId = channel.OrganizationId, ActorType = "system", Role = Roles.Owner };
            await using var s = sessions.Open(tenant);
            var ps = new List<NpgsqlParameter>
            {
                new() { Value = channel.OrganizationId },
                new() { Value = list.Select(_ => Guid.CreateVersion7()).ToArray() },
                new() { Value = list.Select(i => i.Platform).ToArray() },
                new() { Value = list.Select(i => i.Kind).ToArray() },
                new() { Value = list.Select(i => i.ExternalId.Length > 255 ? i.ExternalId[..255] : i.ExternalId).ToArray() },
                new() { Value = list.Select(_ => channel.PhoneNumberId).ToArray() },
                new() { Value = list.Select(i => i.Payload.ToJsonString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
                new() { Value = list.Select(i => i.Rejected).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            };
            await using var r = await s.ReadAsync(Sql, ps, ct);
            while (await r.ReadAsync(ct)) if (r.GetBoolean(0)) created++;
        }
        if (created > 0) signal.Wake();
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
