using System.Globalization;
using System.Text.Json;
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

    private static readonly HashSet<string> Fields = ["id", "event_type", "resource_type", "resource_id", "properties", "user_id", "created_at"];

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
            var at = $"events[{i}]";
            if (e.ValueKind != JsonValueKind.Object) { errors.Add(at, "must be an object"); i++; continue; }
            foreach (var p in e.EnumerateObject())
                if (!Fields.Contains(p.Name)) errors.Add($"{at}.{p.Name}", "is not a field of an event");
            var id = Uuid(e, "id", at, errors) ?? Guid.CreateVersion7();
            if (seen.TryGetValue(id, out var first)) errors.Add($"{at}.id", $"repeats events[{first}].id");
            else seen[id] = i;
            var type = Text(e, "event_type", at, errors, required: true);
            var resourceType = Text(e, "resource_type", at, errors, required: false);
            var resourceId = Uuid(e, "resource_id", at, errors);
            var userId = Uuid(e, "user_id", at, errors);
            var properties = "{}";
            if (e.TryGetProperty("properties", out var props) && props.ValueKind != JsonValueKind.Null)
            {
                if (props.ValueKind != JsonValueKind.Object) errors.Add($"{at}.properties", "must be an object");
                else properties = props.GetRawText();
            }
            var createdAt = now;
            if (e.TryGetProperty("created_at", out var c) && c.ValueKind != JsonValueKind.Null)
            {
                if (c.ValueKind != JsonValueKind.String || !DateTimeOffset.TryParse(c.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                    || !HasOffset(c.GetString()!))
                    errors.Add($"{at}.created_at", "must be an ISO 8601 time with its offset, e.g. 2026-12-01T09:30:00Z");
                else if (parsed.UtcDateTime < now - MaxAge) errors.Add($"{at}.created_at", "is older than 90 days (events are kept 90 days)");
                else if (parsed.UtcDateTime > now + MaxFuture) errors.Add($"{at}.created_at", "is in the future");
                else createdAt = parsed.UtcDateTime;
            }
            if (type is not null) list.Add(new ProductEvent(id, type, resourceType, resourceId, properties, userId, createdAt));
            i++;
        }
        errors.ThrowIfAny();
        return list;
    }

    private static bool HasOffset(string s) => s.EndsWith('Z') || s.EndsWith('z') || (s.Length > 6 && s[^6] is '+' or '-' && s[^3] == ':');

    private static Guid? Uuid(JsonElement e, string name, string at, FieldErrors errors)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String && Guid.TryParseExact(v.GetString(), "D", out var g)) return g;
        errors.Add($"{at}.{name}", "must be a UUID");
        return null;
    }

    private static string? Text(JsonElement e, string name, string at, FieldErrors errors, bool required)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add($"{at}.{name}", "is required");
            return null;
        }
        var s = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : null;
        if (s is null || s.Length is 0 or > 100)
        {
            errors.Add($"{at}.{name}", "must be a text of 1 to 100 characters");
            return null;
        }
        return s;
    }
}
