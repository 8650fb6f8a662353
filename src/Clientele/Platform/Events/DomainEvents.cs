using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Platform.Database;
using Clientele.Platform.Jobs;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Events;

/// <summary>One event to publish: what happened to which entity, and (for updates) what it was before.</summary>
/// <param name="Type">"{entity}.{what}": customer.updated, invoice.paid</param>
/// <param name="ResourceType">the table of the entity (customers, invoices)</param>
/// <param name="Data">the entity after the change (before it, for a delete)</param>
/// <param name="Previous">old values of the fields that changed (their names become changed_fields)</param>
/// <param name="CustomerId">the customer it is about; found from Data when left out</param>
public sealed record DomainEventInput(string Type, string? ResourceType, Guid? ResourceId, JsonObject? Data,
    JsonObject? Previous = null, Guid? CustomerId = null);

/// <summary>
/// The publisher every module uses: writes domain_events rows inside the caller's transaction
/// (so the event exists exactly when the change commits) plus one outbox row of topic
/// <see cref="DispatchTopic"/> carrying them, which delivers them to triggers, workflows and
/// webhook endpoints after commit. Static like AuditWriter so any code path holding a
/// TenantSession can publish.
/// </summary>
public static partial class DomainEvents
{
    public const string DispatchTopic = "domain_events.dispatch";
    private static readonly ConcurrentDictionary<OutboxSignal, byte> Signals = new();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex TypePattern();

    /// <summary>Each host registers its outbox signal so a commit wakes the dispatchers at once (others poll).</summary>
    public static void RegisterSignal(OutboxSignal signal) => Signals[signal] = 0;
    public static void UnregisterSignal(OutboxSignal signal) => Signals.TryRemove(signal, out _);

    // The running hosts' subscribers, asked whether an event needs dispatching at all. With none
    // registered (no host running) every publish writes its dispatch row.
    private static readonly ConcurrentDictionary<IDomainEventSubscriber, byte> Subscribers = new();
    public static void RegisterSubscribers(IEnumerable<IDomainEventSubscriber> subscribers) { foreach (var s in subscribers) Subscribers[s] = 0; }
    public static void UnregisterSubscribers(IEnumerable<IDomainEventSubscriber> subscribers) { foreach (var s in subscribers) Subscribers.TryRemove(s, out _); }

    /// <summary>The strongest interest any registered subscriber has in the event (Yes when none is registered).</summary>
    private static EventInterest InterestIn(EventHead e)
    {
        if (Subscribers.IsEmpty) return EventInterest.Yes;
        var best = EventInterest.No;
        foreach (var sub in Subscribers.Keys)
        {
            var i = sub.InterestIn(e);
            if (i == EventInterest.Yes) return i;
            if (i == EventInterest.WhenOrganizationAutomates) best = i;
        }
        return best;
    }

    // The dispatch row: written only when a subscriber can act (the automation rows are checked in
    // the statement itself, so a trigger created a moment before is seen), and one per transaction:
    // a later publish in the same transaction appends its events to the row (an upsert, so a savepoint
    // rolled back past the first insert just inserts it again).
    private const string DispatchSql = """
        INSERT INTO outbox (id, organization_id, topic, payload, available_at, max_attempts)
        SELECT $1, $2, $3, $4, now(), 8
        WHERE $5 OR EXISTS (SELECT 1 FROM triggers t WHERE t.organization_id = $2 AND t.enabled)
           OR EXISTS (SELECT 1 FROM workflows w WHERE w.organization_id = $2 AND w.is_active AND w.deleted_at IS NULL
                        AND w.trigger_type IN ('event_based', 'condition_based', 'time_based'))
           OR EXISTS (SELECT 1 FROM webhook_endpoints h WHERE h.organization_id = $2 AND h.enabled)
        ON CONFLICT (id) DO UPDATE SET payload = jsonb_build_object('events', (outbox.payload -> 'events') || (EXCLUDED.payload -> 'events'))
        """;

    public static Task<IReadOnlyList<Guid>> PublishAsync(TenantSession s, DomainEventInput e, CancellationToken ct) => PublishAsync(s, [e], ct);

    /// <summary>Publishes the events in the session's transaction (begun if needed); returns their ids.</summary>
    public static async Task<IReadOnlyList<Guid>> PublishAsync(TenantSession s, IReadOnlyList<DomainEventInput> events, CancellationToken ct)
    {
        if (events.Count == 0) return [];
        var conn = await s.BeginAsync(ct);
        var ids = new List<Guid>(events.Count);
        var envelopes = new JsonArray();
        var interest = EventInterest.No;
        await using var batch = new NpgsqlBatch(conn, s.Transaction);
        var rows = new EventRows(events.Count);
        foreach (var e in events)
        {
            if (!TypePattern().IsMatch(e.Type)) throw new ArgumentException($"event type '{e.Type}' must look like entity.what (lowercase)", nameof(events));
            var id = Guid.CreateVersion7();
            ids.Add(id);
            var customerId = e.CustomerId ?? CustomerOf(e);
            var changed = e.Previous?.Select(p => p.Key).ToArray() ?? [];
            rows.Add(id, e, customerId, changed);
            if (interest != EventInterest.Yes)
            {
                var i = InterestIn(new EventHead(e.Type, e.ResourceType, customerId, changed, e.Data, s.Tenant.ActorType));
                if (i != EventInterest.No) interest = i;
            }
            envelopes.Add(new JsonObject
            {
                ["id"] = id, ["type"] = e.Type, ["resource_type"] = e.ResourceType, ["resource_id"] = e.ResourceId,
                ["customer_id"] = customerId, ["data"] = e.Data?.DeepClone() ?? new JsonObject(),
                ["changed_fields"] = new JsonArray(changed.Select(c => (JsonNode)c).ToArray()),
                ["previous"] = e.Previous?.DeepClone(), ["actor_type"] = s.Tenant.ActorType, ["actor_id"] = s.Tenant.ActorId,
                ["created_at"] = DateTime.UtcNow,
            });
        }
        batch.BatchCommands.Add(rows.Insert(s));
        // One outbox row per transaction: a customer update and its derived names travel together.
        if (interest != EventInterest.No)
        {
            var outbox = new NpgsqlBatchCommand(DispatchSql);
            outbox.Parameters.Add(new NpgsqlParameter { Value = s.DispatchRowId ??= Guid.CreateVersion7() });
            outbox.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId });
            outbox.Parameters.Add(new NpgsqlParameter { Value = DispatchTopic });
            outbox.Parameters.Add(new NpgsqlParameter { Value = new JsonObject { ["events"] = envelopes }.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            outbox.Parameters.Add(new NpgsqlParameter { Value = interest == EventInterest.Yes });
            batch.BatchCommands.Add(outbox);
        }
        await batch.ExecuteNonQueryAsync(ct);
        if (interest != EventInterest.No) s.OnCommitted(WakeAll);
        return ids;
    }

    /// <summary>
    /// Publishes "{table}.{verb}" for a row changed through any path, plus the named events
    /// derived from it (customers.updated → customer.updated, customer.health_changed; see <see cref="NamedEvents"/>).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> PublishChangeAsync(TenantSession s, string table, string verb, Guid id, JsonObject data, JsonObject? previous, CancellationToken ct)
    {
        var list = new List<DomainEventInput> { new($"{table}.{verb}", table, id, data, previous) };
        foreach (var name in NamedEvents.Derive(table, verb, data, previous))
            list.Add(new DomainEventInput(name, table, id, data, previous));
        var ids = await PublishAsync(s, list, ct);
        if (Followers.TryGetValue(table, out var follow)) await follow(s, verb, id, data, ct);
        return ids;
    }

    /// <summary>
    /// Publishes what a row change caused in other rows through a module's triggers (a payment
    /// written through the resource API settles its invoice: invoice.paid). Runs in the same transaction.
    /// </summary>
    public delegate Task ChangeFollower(TenantSession s, string verb, Guid id, JsonObject data, CancellationToken ct);

    private static readonly ConcurrentDictionary<string, ChangeFollower> Followers = new(StringComparer.Ordinal);

    /// <summary>Registers the module's follower of a table's generic changes (one per table; idempotent).</summary>
    public static void Follow(string table, ChangeFollower follower) => Followers[table] = follower;

    /// <summary>The customer of the entity: itself, its customer_id, or metadata.customer_id (approvals).</summary>
    private static Guid? CustomerOf(DomainEventInput e)
    {
        if (e.ResourceType == "customers") return e.ResourceId;
        return AsGuid(e.Data?["customer_id"]) ?? AsGuid(e.Data?["metadata"]?["customer_id"]);
    }

    private static Guid? AsGuid(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<Guid>(out var g) ? g : v.TryGetValue<string>(out var text) && Guid.TryParse(text, out var parsed) ? parsed : null
        : null;

    /// <summary>Wakes the dispatchers when the session commits: for events written set-wise in SQL (an import's chunk) rather than through PublishAsync.</summary>
    public static void WakeOnCommit(TenantSession s) => s.OnCommitted(WakeAll);

    private static void WakeAll()
    {
        foreach (var signal in Signals.Keys) signal.Wake();
    }
}

public static partial class DomainEvents
{
    /// <summary>
    /// Publishes named events about a row that module code just wrote with its own SQL: the row is
    /// read back (as the transaction sees it) to become the event's data.
    /// </summary>
    public static async Task PublishRowAsync(TenantSession s, string table, Guid id, CancellationToken ct, JsonObject? previous = null, params string[] types)
    {
        if (types.Length == 0) return;
        JsonObject data;
        await using (var cmd = await s.CommandAsync($"SELECT (to_jsonb(t) - 'organization_id')::text FROM \"{table}\" t WHERE t.organization_id = $1 AND t.id = $2", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(id);
            data = await cmd.ExecuteScalarAsync(ct) is string json ? JsonNode.Parse(json)!.AsObject() : new JsonObject { ["id"] = id };
        }
        await PublishAsync(s, types.Select(t => new DomainEventInput(t, table, id, t == types[0] ? data : data.DeepClone().AsObject(), previous?.DeepClone().AsObject())).ToList(), ct);
    }
}

public static partial class DomainEvents
{
    /// <summary>
    /// PublishRowAsync for many rows of one table at once: one read-back query and one publish, not
    /// a round trip per row (a health sweep creates hundreds of expansion opportunities per chunk).
    /// </summary>
    public static async Task PublishRowsAsync(TenantSession s, string table, IReadOnlyCollection<Guid> ids, CancellationToken ct, params string[] types)
    {
        if (types.Length == 0 || ids.Count == 0) return;
        var rows = new Dictionary<Guid, JsonObject>(ids.Count);
        await using (var cmd = await s.CommandAsync($"SELECT t.id, (to_jsonb(t) - 'organization_id')::text FROM \"{table}\" t WHERE t.organization_id = $1 AND t.id = ANY($2)", ct))
        {
            cmd.Parameters.AddWithValue(s.OrganizationId);
            cmd.Parameters.AddWithValue(ids.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) rows[r.GetGuid(0)] = JsonNode.Parse(r.GetString(1))!.AsObject();
        }
        var events = new List<DomainEventInput>(ids.Count * types.Length);
        foreach (var id in ids)
        {
            var data = rows.GetValueOrDefault(id) ?? new JsonObject { ["id"] = id };
            events.AddRange(types.Select(t => new DomainEventInput(t, table, id, t == types[0] ? data : data.DeepClone().AsObject(), null)));
        }
        await PublishAsync(s, events, ct);
    }
}

/// <summary>
/// The domain_events rows of one publish as column arrays: one INSERT ... SELECT FROM unnest for the
/// whole list (a billing run publishes a thousand invoice events at once; a thousand single-row
/// INSERTs in a batch cost a parse and plan each).
/// </summary>
internal sealed class EventRows(int capacity)
{
    private readonly List<Guid> _ids = new(capacity);
    private readonly List<string> _types = new(capacity), _data = new(capacity), _changed = new(capacity);
    private readonly List<string?> _resourceTypes = new(capacity), _previous = new(capacity);
    private readonly List<Guid?> _resourceIds = new(capacity), _customers = new(capacity);

    public void Add(Guid id, DomainEventInput e, Guid? customerId, string[] changed)
    {
        _ids.Add(id);
        _types.Add(e.Type);
        _resourceTypes.Add(e.ResourceType);
        _resourceIds.Add(e.ResourceId);
        _customers.Add(customerId);
        _data.Add((e.Data ?? []).ToJsonString());
        // Column names hold no comma; string_to_array('', ',') is the empty array.
        _changed.Add(string.Join(',', changed));
        _previous.Add(e.Previous?.ToJsonString());
    }

    public NpgsqlBatchCommand Insert(TenantSession s)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO domain_events (id, organization_id, event_type, resource_type, resource_id, customer_id, data, changed_fields, previous, actor_type, actor_id)
            SELECT k.id, $1, k.event_type, k.resource_type, k.resource_id, k.customer_id, k.data, string_to_array(k.changed, ','), k.previous, $10, $11
            FROM unnest($2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::text[], $9::jsonb[])
              AS k(id, event_type, resource_type, resource_id, customer_id, data, changed, previous)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _ids.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _types.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _resourceTypes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _resourceIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _customers.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _data.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _changed.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = _previous.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.Tenant.ActorType, NpgsqlDbType = NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)s.Tenant.ActorId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        return cmd;
    }
}
