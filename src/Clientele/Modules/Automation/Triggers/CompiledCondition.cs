using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Automation.Triggers;

/// <summary>
/// A validated condition turned once into a tree of small nodes: paths split, operators and
/// expected values parsed. Evaluating it allocates nothing unless the leaves are asked for (the
/// dry run and a fire's explanation); the engine evaluates every event against every trigger, so
/// walking and cloning the JSON each time was the cost (bench automation).
/// </summary>
public sealed class CompiledCondition
{
    private static readonly ConcurrentDictionary<string, CompiledCondition?> ByText = new(StringComparer.Ordinal);
    private readonly string[] _exact;
    private readonly string[] _prefixes;
    private readonly Node? _tree;

    private CompiledCondition(JsonObject condition)
    {
        var events = Conditions.Events(condition);
        _exact = events.Where(p => !p.EndsWith(".*", StringComparison.Ordinal)).ToArray();
        _prefixes = events.Where(p => p.EndsWith(".*", StringComparison.Ordinal)).Select(p => p[..^1]).ToArray();
        var rest = condition.Where(kv => kv.Key != "event").ToList();
        _tree = rest.Count == 0 ? null : Build(rest);
    }

    /// <summary>Compiles a condition that passed <see cref="Conditions.Validate"/>.</summary>
    public static CompiledCondition Compile(JsonObject condition) => new(condition);

    /// <summary>The compiled form of a stored condition's JSON text, or null when it is not valid
    /// (rows written before validation existed never fire). Cached by text: triggers are loaded
    /// per batch of events, and their text rarely changes.</summary>
    public static CompiledCondition? FromText(string json)
    {
        if (ByText.TryGetValue(json, out var hit)) return hit;
        CompiledCondition? compiled = null;
        if (JsonNode.Parse(json) is JsonObject condition)
        {
            var errors = new Platform.Errors.FieldErrors();
            Conditions.Validate(condition, errors);
            if (!errors.Any) compiled = new CompiledCondition(condition);
        }
        if (ByText.Count > 10_000) ByText.Clear(); // bounded: edits leave old texts behind
        ByText[json] = compiled;
        return compiled;
    }

    public bool Listens(string eventType)
    {
        foreach (var e in _exact) if (e == eventType) return true;
        foreach (var p in _prefixes) if (eventType.StartsWith(p, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>True when the tree holds (an empty tree always does). With <paramref name="leaves"/>,
    /// every leaf is visited and reported; without, evaluation stops as soon as the answer is known.</summary>
    public bool Evaluate(ConditionInput input, List<LeafResult>? leaves = null) => _tree is null || _tree.Eval(input, leaves);

    private static Node Build(IEnumerable<KeyValuePair<string, JsonNode?>> o)
    {
        var map = o.ToDictionary(kv => kv.Key, kv => kv.Value);
        if (map.TryGetValue("all", out var all) && all is JsonArray a) return new Group(true, a.Select(n => Build(n!.AsObject())).ToArray());
        if (map.TryGetValue("any", out var any) && any is JsonArray b) return new Group(false, b.Select(n => Build(n!.AsObject())).ToArray());
        if (map.TryGetValue("not", out var not) && not is JsonObject n) return new Not(Build(n));
        return new Leaf(map["path"]!.GetValue<string>(), map["op"]!.GetValue<string>(), map.GetValueOrDefault("value"));
    }

    private abstract class Node
    {
        public abstract bool Eval(ConditionInput input, List<LeafResult>? leaves);
    }

    private sealed class Group(bool all, Node[] children) : Node
    {
        public override bool Eval(ConditionInput input, List<LeafResult>? leaves)
        {
            var result = all;
            foreach (var c in children)
            {
                var v = c.Eval(input, leaves);
                if (all ? !v : v)
                {
                    result = !all;
                    if (leaves is null) break; // the dry run reports every leaf
                }
            }
            return result;
        }
    }

    private sealed class Not(Node inner) : Node
    {
        public override bool Eval(ConditionInput input, List<LeafResult>? leaves) => !inner.Eval(input, leaves);
    }

    private sealed class Leaf : Node
    {
        private readonly string _path;
        private readonly string _op;
        private readonly string _root;
        private readonly string[] _segments;
        private readonly JsonNode? _expected;
        private readonly Value _value;
        private readonly Value[] _list;

        public Leaf(string path, string op, JsonNode? expected)
        {
            _path = path;
            _op = op;
            var parts = path.Split('.');
            _root = parts[0];
            _segments = parts[1..];
            _expected = expected?.DeepClone();
            _value = Value.Of(_expected);
            _list = _expected is JsonArray list ? list.Select(Value.Of).ToArray() : [];
        }

        public override bool Eval(ConditionInput input, List<LeafResult>? leaves)
        {
            var actualNode = Resolve(_root, _segments, input);
            var actual = Value.Of(actualNode);
            var matched = _op switch
            {
                "eq" => actual.Same(_value),
                "ne" => !actual.Same(_value),
                "gt" => actual.Compare(_value) is > 0,
                "gte" => actual.Compare(_value) is >= 0,
                "lt" => actual.Compare(_value) is < 0,
                "lte" => actual.Compare(_value) is <= 0,
                "in" => Array.Exists(_list, x => actual.Same(x)),
                "contains" => actualNode is JsonArray arr ? arr.Any(x => Value.Of(x).Same(_value))
                    : actual.Text is { } s && actual.Kind == JsonValueKind.String && _expected is not null
                      && s.Contains(_expected.ToString(), StringComparison.OrdinalIgnoreCase),
                "changed" => Changed(input),
                "changed_from" => Changed(input) && Value.Of(Resolve("previous", _segments, input)).Same(_value),
                "changed_to" => Changed(input) && actual.Same(_value),
                _ => false,
            };
            leaves?.Add(new LeafResult(_path, _op, _expected?.DeepClone(), actualNode?.DeepClone(), matched));
            return matched;
        }

        /// <summary>A field changed in this event: the event's entity, or the customer when the event is about the customer.</summary>
        private bool Changed(ConditionInput input)
        {
            if (_root == "customer" && input.ResourceType != "customers") return false;
            return input.ChangedFields.Contains(_segments[0]);
        }

        private static JsonNode? Resolve(string root, string[] segments, ConditionInput input)
        {
            JsonNode? node = root switch
            {
                "entity" => input.Entity,
                "previous" => input.Previous,
                "customer" => input.Customer ?? (input.ResourceType == "customers" ? input.Entity : null),
                "event" => input.Event,
                _ => null,
            };
            foreach (var p in segments)
            {
                if (node is not JsonObject obj) return null;
                node = obj[p];
            }
            return node;
        }
    }

    /// <summary>A JSON value read once: its kind, number and text, for the comparisons the language has.</summary>
    private readonly record struct Value(JsonNode? Node, JsonValueKind Kind, decimal? Number, string? Text)
    {
        public static Value Of(JsonNode? n)
        {
            if (n is not JsonValue v) return new Value(n, n is null ? JsonValueKind.Null : n.GetValueKind(), null, null);
            var kind = v.GetValueKind();
            decimal? number = kind switch
            {
                JsonValueKind.Number => v.TryGetValue<decimal>(out var d) ? d : decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null,
                JsonValueKind.String => decimal.TryParse(v.GetValue<string>(), NumberStyles.Number, CultureInfo.InvariantCulture, out var s) ? s : null,
                _ => null,
            };
            return new Value(v, kind, number, kind == JsonValueKind.String ? v.GetValue<string>() : v.ToString());
        }

        public bool Same(Value other)
        {
            if (Node is null || other.Node is null) return Node is null && other.Node is null;
            if (Number is { } x && other.Number is { } y) return x == y;
            if (Node is JsonValue && other.Node is JsonValue) return string.Equals(Text, other.Text, StringComparison.OrdinalIgnoreCase);
            return JsonNode.DeepEquals(Node, other.Node);
        }

        public int? Compare(Value other)
        {
            if (Number is { } x && other.Number is { } y) return x.CompareTo(y);
            if (Node is JsonValue && other.Node is JsonValue
                && DateTimeOffset.TryParse(Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var da)
                && DateTimeOffset.TryParse(other.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var db)) return da.CompareTo(db);
            return null;
        }
    }
}
