using System.Globalization;
using System.Text.Json;
using System.Runtime.InteropServices;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Analytics.Events;

/// <summary>One product event of a batch, validated.</summary>
public sealed record ProductEvent(Guid Id, string EventType, string? ResourceType, Guid? ResourceId, string Properties, Guid? UserId, DateTime CreatedAt);

/// <summary>
/// Reads the body of POST /api/v1/analytics_events/batch: <c>{"events": [...]}</c>, 1 to
/// <see cref="MaxEvents"/> events. Every problem is reported at its place (<c>events[3].event_type</c>)
/// and nothing is written unless all events are valid.
/// </summary>
public static class EventBatch
{
    public const int MaxEvents = 1000;
    /// <summary>Events are kept 90 days (partitions are dropped after it); older ones would be dropped at once.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(90);
    /// <summary>Clock skew allowed for an event stamped by the client.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);

    public static List<ProductEvent> Parse(JsonElement body, DateTime now)
    {
        var errors = new FieldErrors();
        foreach (var p in body.EnumerateObject())
            if (p.Name != "events") errors.Add(p.Name, "is not a field (send {\"events\": [...]})");
        if (!body.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
        {
            errors.Add("events", "is required: an array of 1 to 1000 events");
            errors.ThrowIfAny();
        }
        var count = events.GetArrayLength();
        if (count is 0 or > MaxEvents) errors.Add("events", $"must hold 1 to {MaxEvents} events (it holds {count})");
        errors.ThrowIfAny();

        var list = new List<ProductEvent>(count);
        var seen = new Dictionary<Guid, int>();
        var i = 0;
        foreach (var e in events.EnumerateArray())
        {
            // One pass over each event's members; the place ("events[3]") is spelled only for an error.
            var n = i;
            string At() => $"events[{n}]";
            if (e.ValueKind != JsonValueKind.Object) { errors.Add(At(), "must be an object"); i++; continue; }
            JsonElement idEl = default, typeEl = default, resourceTypeEl = default, resourceIdEl = default, propsEl = default, userEl = default, createdEl = default;
            foreach (var p in e.EnumerateObject())
            {
                if (p.NameEquals("id"u8)) idEl = p.Value;
                else if (p.NameEquals("event_type"u8)) typeEl = p.Value;
                else if (p.NameEquals("resource_type"u8)) resourceTypeEl = p.Value;
                else if (p.NameEquals("resource_id"u8)) resourceIdEl = p.Value;
                else if (p.NameEquals("properties"u8)) propsEl = p.Value;
                else if (p.NameEquals("user_id"u8)) userEl = p.Value;
                else if (p.NameEquals("created_at"u8)) createdEl = p.Value;
                else errors.Add($"{At()}.{p.Name}", "is not a field of an event");
            }
            var id = Uuid(idEl, "id", At, errors) ?? Guid.CreateVersion7();
            if (seen.TryGetValue(id, out var first)) errors.Add($"{At()}.id", $"repeats events[{first}].id");
            else seen[id] = i;
            var type = Text(typeEl, "event_type", At, errors, required: true);
            var resourceType = Text(resourceTypeEl, "resource_type", At, errors, required: false);
            var resourceId = Uuid(resourceIdEl, "resource_id", At, errors);
            var userId = Uuid(userEl, "user_id", At, errors);
            var properties = "{}";
            if (propsEl.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (propsEl.ValueKind != JsonValueKind.Object) errors.Add($"{At()}.properties", "must be an object");
                else properties = propsEl.GetRawText();
            }
            var createdAt = now;
            if (createdEl.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                if (createdEl.ValueKind != JsonValueKind.String || !TryTime(createdEl, out var parsed))
                    errors.Add($"{At()}.created_at", "must be an ISO 8601 time with its offset, e.g. 2026-12-01T09:30:00Z");
                else if (parsed.UtcDateTime < now - MaxAge) errors.Add($"{At()}.created_at", "is older than 90 days (events are kept 90 days)");
                else if (parsed.UtcDateTime > now + MaxFuture) errors.Add($"{At()}.created_at", "is in the future");
                else createdAt = parsed.UtcDateTime;
            }
            if (type is not null) list.Add(new ProductEvent(id, type, resourceType, resourceId, properties, userId, createdAt));
            i++;
        }
        errors.ThrowIfAny();
        return list;
    }

    /// <summary>An ISO 8601 time that states its offset: the reader's own parser first (no string made), the invariant culture's for the rest.</summary>
    private static bool TryTime(JsonElement e, out DateTimeOffset parsed)
    {
        var raw = JsonMarshal.GetRawUtf8Value(e); // with its quotes
        if (raw.Length < 8 || !HasOffset(raw[1..^1])) { parsed = default; return false; }
        if (e.TryGetDateTimeOffset(out parsed)) return true;
        return DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed);
    }

    private static bool HasOffset(ReadOnlySpan<byte> s) => s[^1] is (byte)'Z' or (byte)'z' || (s.Length > 6 && s[^6] is (byte)'+' or (byte)'-' && s[^3] == (byte)':');

    private static Guid? Uuid(JsonElement v, string name, Func<string> at, FieldErrors errors)
    {
        if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var g)) return g; // the 'D' form only, as before
        errors.Add($"{at()}.{name}", "must be a UUID");
        return null;
    }

    private static string? Text(JsonElement v, string name, Func<string> at, FieldErrors errors, bool required)
    {
        if (v.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            if (required) errors.Add($"{at()}.{name}", "is required");
            return null;
        }
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : null;
        if (s is null || s.Length is 0 or > 100)
        {
            errors.Add($"{at()}.{name}", "must be a text of 1 to 100 characters");
            return null;
        }
        return s;
    }
}
