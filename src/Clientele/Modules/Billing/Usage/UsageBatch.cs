using System.Text.Json;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Billing.Usage;

/// <summary>
/// POST /api/v1/usage_events/batch: up to 1,000 events in one statement. Every event names its
/// customer and carries the client's idempotency_id (a replay changes nothing). Events count in
/// the subscription period their timestamp falls in, so a late event still lands in its period
/// while that period is open; an event in a period already invoiced is refused. All or nothing.
/// </summary>
public static class UsageBatch
{
    public const int MaxEvents = 1000;

    public sealed record EventIn(Guid? CustomerId, string? EventType, int? Quantity, string? Unit, DateTime? Timestamp,
        string? IdempotencyId, string? EndUserId, JsonElement? Metadata);

    public sealed record Body(List<EventIn>? Events);

    public sealed record Result(int Received, int Accepted, int Duplicates);

    public static async Task<Result> IngestAsync(TenantSession s, Body body, DateTime now, CancellationToken ct)
    {
        var events = body.Events ?? throw ProblemException.Validation("events", "is required: an array of 1 to 1000 events");
        if (events.Count is 0 or > MaxEvents) throw ProblemException.Validation("events", $"must hold 1 to {MaxEvents} events (got {events.Count})");
        var errors = new FieldErrors();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var p = $"events[{i}].";
            if (e.CustomerId is null) errors.Add(p + "customer_id", "is required");
            if (string.IsNullOrWhiteSpace(e.EventType) || e.EventType.Length > 50) errors.Add(p + "event_type", "is required, at most 50 characters");
            if (e.Quantity is < 0) errors.Add(p + "quantity", "must not be negative");
            if (e.Unit is { Length: > 50 }) errors.Add(p + "unit", "must be at most 50 characters");
            if (string.IsNullOrWhiteSpace(e.IdempotencyId) || e.IdempotencyId.Length > 255) errors.Add(p + "idempotency_id", "is required, at most 255 characters");
            if (e.EndUserId is { Length: > 255 }) errors.Add(p + "end_user_id", "must be at most 255 characters");
            if (e.Timestamp is { } ts && ts.ToUniversalTime() > now.AddMinutes(5)) errors.Add(p + "timestamp", "must not be in the future");
            if (e.Metadata is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) }) errors.Add(p + "metadata", "must be an object");
        }
        errors.ThrowIfAny();

        var customers = events.Select(e => e.CustomerId!.Value).Distinct().ToArray();
        var known = new HashSet<Guid>();
        var closedBefore = new Dictionary<Guid, DateTime>();
        await using (var r = await s.ReadAsync("""
            SELECT c.id, (SELECT max(i.period_start) FROM invoices i JOIN subscriptions sub ON sub.organization_id = i.organization_id AND sub.id = i.subscription_id
                          WHERE i.organization_id = $1 AND sub.customer_id = c.id AND i.billing_reason = 'subscription_cycle' AND i.status <> 'void')
            FROM customers c WHERE c.organization_id = $1 AND c.id = ANY($2) AND c.deleted_at IS NULL
            """, [new NpgsqlParameter { Value = s.OrganizationId }, new NpgsqlParameter { Value = customers }], ct))
        {
            while (await r.ReadAsync(ct))
            {
                known.Add(r.GetGuid(0));
                if (!r.IsDBNull(1)) closedBefore[r.GetGuid(0)] = r.GetDateTime(1);
            }
        }
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var ts = e.Timestamp?.ToUniversalTime() ?? now;
            if (!known.Contains(e.CustomerId!.Value)) errors.Add($"events[{i}].customer_id", "refers to no customer of this organization");
            else if (closedBefore.TryGetValue(e.CustomerId.Value, out var closed) && ts < closed)
                errors.Add($"events[{i}].timestamp", $"falls in a billing period that is already invoiced (before {closed:O})");
        }
        errors.ThrowIfAny();

        await using var cmd = await s.CommandAsync("""
            INSERT INTO usage_events (id, organization_id, customer_id, event_type, quantity, unit, end_user_id, "timestamp", extra_metadata, idempotency_id, created_by)
            SELECT u.id, $1, u.customer_id, u.event_type, u.quantity, u.unit, u.end_user_id, u.ts, u.meta, u.idem, $11
            FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::timestamptz[], $9::jsonb[], $10::text[])
              AS u(id, customer_id, event_type, quantity, unit, end_user_id, ts, meta, idem)
            ON CONFLICT (organization_id, idempotency_id) WHERE idempotency_id IS NOT NULL DO NOTHING
            """, ct);
        cmd.Parameters.AddWithValue(s.OrganizationId);
        cmd.Parameters.AddWithValue(events.Select(_ => Guid.CreateVersion7()).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.CustomerId!.Value).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.EventType!).ToArray());
        cmd.Parameters.AddWithValue(events.Select(e => e.Quantity ?? 1).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => (object?)e.Unit ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => (object?)e.EndUserId ?? DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(events.Select(e => e.Timestamp?.ToUniversalTime() ?? now).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Metadata is { ValueKind: JsonValueKind.Object } m ? (object)m.GetRawText() : DBNull.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.AddWithValue(events.Select(e => e.IdempotencyId!).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        var accepted = await cmd.ExecuteNonQueryAsync(ct);
        return new Result(events.Count, accepted, events.Count - accepted);
    }
}
