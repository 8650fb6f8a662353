using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Analytics.Experiments;

/// <summary>
/// An experiment's variants and the deterministic assignment: the first 8 bytes of
/// SHA-256("test_name:conversation_id") as an unsigned number, modulo the total weight, fall in
/// one variant's share. The same conversation always gets the same variant, on any node, and over
/// many conversations each variant gets its weight's share.
/// </summary>
public sealed record ExperimentVariant(string Name, int Weight, string? Prompt, string? Model, double? Temperature)
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name, ["weight"] = Weight, ["prompt"] = Prompt, ["model"] = Model, ["temperature"] = Temperature,
    };
}

public static class ExperimentVariants
{
    public static ExperimentVariant Pick(IReadOnlyList<ExperimentVariant> variants, string testName, Guid conversationId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{testName}:{conversationId:D}"));
        var total = (ulong)variants.Sum(v => v.Weight);
        var point = BitConverter.ToUInt64(hash, 0) % total;
        foreach (var v in variants)
        {
            if (point < (ulong)v.Weight) return v;
            point -= (ulong)v.Weight;
        }
        return variants[^1];
    }

    /// <summary>The variants of a request body with a message per bad field (variants[i].weight ...); null list when invalid.</summary>
    public static (List<ExperimentVariant>? Variants, Dictionary<string, string[]> Errors) Parse(JsonElement? json)
    {
        var errors = new Dictionary<string, string[]>();
        if (json is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() is < 2 or > 10)
        {
            errors["variants"] = ["Give 2 to 10 variants: [{\"name\": \"A\", \"weight\": 50, \"prompt\": \"...\"}, ...]."];
            return (null, errors);
        }
        var list = new List<ExperimentVariant>();
        var i = 0;
        foreach (var v in array.EnumerateArray())
        {
            var at = $"variants[{i++}]";
            if (v.ValueKind != JsonValueKind.Object) { errors[at] = ["must be an object"]; continue; }
            string? Text(string field, int max)
            {
                if (!v.TryGetProperty(field, out var p) || p.ValueKind == JsonValueKind.Null) return null;
                if (p.ValueKind != JsonValueKind.String || p.GetString()!.Length > max) { errors[$"{at}.{field}"] = [$"must be text of at most {max} characters"]; return null; }
                return p.GetString();
            }
            foreach (var prop in v.EnumerateObject())
                if (prop.Name is not ("name" or "weight" or "prompt" or "model" or "temperature")) errors[$"{at}.{prop.Name}"] = ["is not a field of a variant (name, weight, prompt, model, temperature)"];
            var name = Text("name", 50);
            if (string.IsNullOrWhiteSpace(name)) errors[$"{at}.name"] = ["is required"];
            var weight = v.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Number && w.TryGetInt32(out var n) ? n : -1;
            if (weight is < 1 or > 1000) errors[$"{at}.weight"] = ["must be a whole number from 1 to 1000"];
            var prompt = Text("prompt", 20_000);
            var model = Text("model", 100);
            double? temperature = null;
            if (v.TryGetProperty("temperature", out var t) && t.ValueKind != JsonValueKind.Null)
            {
                if (t.ValueKind == JsonValueKind.Number && t.GetDouble() is >= 0 and <= 2) temperature = t.GetDouble();
                else errors[$"{at}.temperature"] = ["must be a number from 0 to 2"];
            }
            if (prompt is null && model is null && temperature is null && !errors.ContainsKey($"{at}.prompt"))
                errors[$"{at}"] = ["say what the variant changes: prompt, model or temperature"];
            if (name is not null && list.Any(x => x.Name == name)) errors[$"{at}.name"] = ["is used by another variant"];
            list.Add(new ExperimentVariant(name ?? "", weight, prompt, model, temperature));
        }
        return errors.Count > 0 ? (null, errors) : (list, errors);
    }

    public static List<ExperimentVariant> FromStored(string json) =>
        JsonNode.Parse(json)!.AsArray().Select(v => new ExperimentVariant(
            v!["name"]!.GetValue<string>(), v["weight"]!.GetValue<int>(), v["prompt"]?.GetValue<string>(), v["model"]?.GetValue<string>(),
            v["temperature"]?.GetValue<double>())).ToList();
}
