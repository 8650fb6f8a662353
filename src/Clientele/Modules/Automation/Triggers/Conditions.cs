using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Errors;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>What a condition is evaluated against: the event, its entity and the customer it concerns.</summary>
public sealed record ConditionInput(string EventType, string? ResourceType, JsonObject Entity, JsonObject? Previous, IReadOnlyCollection<string> ChangedFields, JsonObject? Customer, JsonObject Event);

/// <summary>One leaf as evaluated: what was compared, and whether it held (the dry run shows these).</summary>
public sealed record LeafResult(string Path, string Op, JsonNode? Expected, JsonNode? Actual, bool Matched);

/// <summary>
/// The trigger condition language (docs/automation.md "Conditions"): a root
/// {"event": "customer.updated" | ["a.b", "c.*"], ...tree}; a tree is {"all": [..]}, {"any": [..]},
/// {"not": tree} or a leaf {"path": "customer.health_score", "op": "lt", "value": 40}. Paths start
/// with entity (the event's row), previous (its old values), customer (the customer it concerns)
/// or event (type, resource_type, actor_type). Operators: eq ne gt gte lt lte in contains changed
/// changed_from changed_to.
/// </summary>
public static class Conditions
{
    public static readonly string[] Ops = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "changed", "changed_from", "changed_to"];
    private static readonly string[] Roots = ["entity", "previous", "customer", "event"];

    public static void Validate(JsonNode? root, FieldErrors errors, string at = "condition")
    {
        if (root is not JsonObject o) { errors.Add(at, "must be an object: {\"event\": \"customer.updated\", \"all\": [...]}"); return; }
        switch (o["event"])
        {
            case JsonValue v when v.TryGetValue<string>(out var e) && IsEventPattern(e): break;
            case JsonArray a when a.Count > 0 && a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out var s) && IsEventPattern(s)): break;
            default: errors.Add($"{at}.event", "is required: an event type such as customer.updated (or entity.*), or a list of them"); break;
        }
        var tree = new JsonObject(o.Where(kv => kv.Key != "event").Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        if (tree.Count > 0) ValidateTree(tree, errors, at);
    }

    private static bool IsEventPattern(string s) => s.Length is > 2 and <= 100 && s.Contains('.') && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '.' or '*');

    private static void ValidateTree(JsonNode? node, FieldErrors errors, string at)
    {
        if (node is not JsonObject o) { errors.Add(at, "must be an object (all, any, not, or a leaf with path, op, value)"); return; }
        if (o.ContainsKey("all") || o.ContainsKey("any"))
        {
            var key = o.ContainsKey("all") ? "all" : "any";
            if (o[key] is not JsonArray list || list.Count == 0) { errors.Add($"{at}.{key}", "must be a non-empty list of conditions"); return; }
            for (var i = 0; i < list.Count; i++) ValidateTree(list[i], errors, $"{at}.{key}[{i}]");
            return;
        }
        if (o.ContainsKey("not")) { ValidateTree(o["not"], errors, $"{at}.not"); return; }
        var path = o["path"] is JsonValue pv && pv.TryGetValue<string>(out var p) ? p : null;
        var root = path?.Split('.')[0];
        if (path is null || !Roots.Contains(root) || path.Split('.').Length < 2 || path.Split('.').Any(s => s.Length == 0))
            errors.Add($"{at}.path", $"must be a dotted path starting with {string.Join(", ", Roots)} (e.g. customer.health_score)");
        var op = o["op"] is JsonValue ov && ov.TryGetValue<string>(out var opText) ? opText : null;
        if (op is null || !Ops.Contains(op)) { errors.Add($"{at}.op", $"must be one of {string.Join(", ", Ops)}"); return; }
        if (op is "changed" && root is "previous" or "event") errors.Add($"{at}.path", "changed applies to entity or customer fields");
        if (op is not "changed" && !o.ContainsKey("value")) errors.Add($"{at}.value", $"is required for {op}");
        if (op is "gt" or "gte" or "lt" or "lte" && !(o["value"] is JsonValue jv && jv.GetValueKind() is JsonValueKind.Number or JsonValueKind.String))
            errors.Add($"{at}.value", $"{op} compares with a number or an ISO date");
        if (op is "in" && o["value"] is not JsonArray) errors.Add($"{at}.value", "in takes a list of values");
    }

    /// <summary>The event types a valid condition listens to.</summary>
    public static IReadOnlyList<string> Events(JsonObject condition) => condition["event"] switch
    {
        JsonArray a => a.Select(x => x!.GetValue<string>()).ToList(),
        JsonNode n => [n.GetValue<string>()],
        _ => [],
    };

    public static bool EventMatches(JsonObject condition, string eventType) =>
        Events(condition).Any(p => p == eventType || (p.EndsWith(".*", StringComparison.Ordinal) && eventType.StartsWith(p[..^1], StringComparison.Ordinal)));

    /// <summary>Evaluates the tree (without the event key) of a valid condition; every leaf visited is
    /// reported. For repeated evaluation, compile once (<see cref="CompiledCondition"/>).</summary>
    public static bool Evaluate(JsonObject condition, ConditionInput input, List<LeafResult> leaves) =>
        CompiledCondition.Compile(condition).Evaluate(input, leaves);
}
