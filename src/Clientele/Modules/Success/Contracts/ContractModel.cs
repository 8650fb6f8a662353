using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Gateway;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Success.Contracts;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// Who reads a contract (issue 11 item 7): with Ai__Provider=openai the configured model, through
/// IAiGateway (workflow "contracts", node "extract", one llm_usage_logs row), asked for the terms
/// with a JSON schema response format; the answer is validated (types, ranges, dates, categories)
/// and, when it is the terms, replaces the built-in extractor's reading field by field (a field the
/// model left empty or got wrong keeps the built-in's, with its evidence). A provider failure or an
/// answer that is not the terms JSON keeps the built-in reading, with the reason. With the built-in
/// provider (the offline default) only the built-in extractor runs.
/// </summary>
public sealed class ContractModel(IAiGateway gateway, ILogger<ContractModel> logger)
{
    public const string Workflow = "contracts", Node = "extract";
    /// <summary>The contract text sent to the model is cut here (about 30k tokens).</summary>
    public const int MaxChars = 120_000;
    private static readonly string[] Categories = ["seats", "support", "usage", "product"];

    public sealed record Reading(ContractExtractor.Result Result, string ExtractedBy, string? FallbackReason);

    public async Task<Reading> ReadAsync(TenantSession s, string text, CancellationToken ct)
    {
        var builtIn = ContractExtractor.Extract(text);
        if (gateway.Provider == AiOptions.Builtin) return new Reading(builtIn, AiOptions.Builtin, null);
        try
        {
            var options = new ChatOptions
            {
                Temperature = 0f,
                ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "contract_terms", "The terms of a customer contract, each with the sentence it was read from."),
            };
            var result = await gateway.CompleteAsync(s, new AiCall(Workflow, Node, Messages(text), options), ct);
            return Merge(result.Text, builtIn) is { } read
                ? new Reading(read, result.Model, null)
                : new Reading(builtIn, AiOptions.Builtin, "the model's answer was not the contract terms JSON");
        }
        catch (AiProviderException e)
        {
            logger.LogWarning(e, "contract model call failed; the built-in extractor's reading is kept");
            return new Reading(builtIn, AiOptions.Builtin, e.Message);
        }
    }

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "additionalProperties": false,
          "required": ["company_name", "arr", "contract_term", "start_date", "end_date", "pricing_terms", "technical_requirements", "entitlements", "evidence"],
          "properties": {
            "company_name": { "type": ["string", "null"], "description": "the customer who signed (not the provider)" },
            "arr": { "type": ["number", "null"], "description": "annual recurring value in the contract's currency" },
            "contract_term": { "type": ["string", "null"], "description": "like \"12 months\" or \"2 years\"" },
            "start_date": { "type": ["string", "null"], "description": "YYYY-MM-DD" },
            "end_date": { "type": ["string", "null"], "description": "YYYY-MM-DD" },
            "pricing_terms": { "type": "array", "items": { "type": "string" } },
            "technical_requirements": { "type": "array", "items": { "type": "string" } },
            "entitlements": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "quantity", "unit", "price", "category", "evidence"],
                "properties": {
                  "name": { "type": "string" },
                  "quantity": { "type": ["integer", "null"] },
                  "unit": { "type": ["string", "null"] },
                  "price": { "type": ["number", "null"] },
                  "category": { "type": "string", "enum": ["seats", "support", "usage", "product"] },
                  "evidence": { "type": "string", "description": "the sentence it was read from, quoted" }
                }
              }
            },
            "evidence": {
              "type": "object",
              "additionalProperties": false,
              "required": ["company_name", "arr", "contract_term", "start_date", "end_date"],
              "properties": {
                "company_name": { "type": ["string", "null"] }, "arr": { "type": ["string", "null"] }, "contract_term": { "type": ["string", "null"] },
                "start_date": { "type": ["string", "null"] }, "end_date": { "type": ["string", "null"] }
              }
            }
          }
        }
        """).RootElement.Clone();

    private static List<AiMessage> Messages(string text) =>
    [
        new(ChatRole.System, """
            You read a customer contract for a customer success team. Answer with the JSON object the schema describes and nothing else.
            Read only what the text says; null when it does not say it. "arr" is the annual value (12 × a monthly fee). Dates as YYYY-MM-DD.
            Entitlements are what the customer bought (seats, usage allowances, support packages, products) with quantity, unit and unit price.
            Each evidence is the sentence quoted from the contract; invent nothing.
            """),
        new(ChatRole.User, "CONTRACT:\n" + (text.Length > MaxChars ? text[..MaxChars] : text)),
    ];

    /// <summary>The model's well-formed fields over the built-in reading; null when the answer is not a JSON object with the terms.</summary>
    public static ContractExtractor.Result? Merge(string answer, ContractExtractor.Result builtIn)
    {
        var json = answer.Trim();
        if (json.StartsWith("```", StringComparison.Ordinal))
        {
            json = json.Trim('`').Trim();
            if (json.StartsWith("json", StringComparison.OrdinalIgnoreCase)) json = json[4..];
        }
        JsonObject o;
        try { if (JsonNode.Parse(json) is JsonObject parsed) o = parsed; else return null; }
        catch (JsonException) { return null; }
        string[] keys = ["company_name", "arr", "contract_term", "start_date", "end_date", "entitlements"];
        if (!keys.Any(o.ContainsKey)) return null;

        var evidence = builtIn.Evidence.DeepClone().AsObject();
        var modelEvidence = o["evidence"] as JsonObject;
        T? Field<T>(string key, T? mine, T? theirs)
        {
            if (theirs is null) return mine;
            if (Text(modelEvidence, key) is { } quote) evidence[key] = Cut(quote, 300);
            else evidence.Remove(key);
            return theirs;
        }
        var company = Field("company_name", builtIn.Company, Text(o, "company_name") is { } c ? Cut(c, 200) : null);
        var arr = o["arr"] is JsonValue av && av.TryGetValue<decimal>(out var a) && a is >= 0 and < 10_000_000_000m ? Math.Round(a, 2) : (decimal?)null;
        arr = Field("arr", builtIn.Arr, arr);
        var term = Field("contract_term", builtIn.Term, Text(o, "contract_term") is { } t ? Cut(t, 100) : null);
        var start = Field("start_date", builtIn.Start, Date(o, "start_date"));
        var end = Field("end_date", builtIn.End, Date(o, "end_date"));
        if (start is { } s0 && end is { } e0 && e0 < s0) end = null; // the column's check: never an end before the start
        var pricing = Strings(o, "pricing_terms") ?? builtIn.PricingTerms;
        var technical = Strings(o, "technical_requirements") ?? builtIn.TechnicalRequirements;
        var entitlements = Entitlements(o) is { Count: > 0 } list ? list : builtIn.Entitlements;
        var (missing, next) = ContractExtractor.Gaps(company, arr, start, end, entitlements.Count);
        return new ContractExtractor.Result(company, arr, term, start, end, pricing, technical, entitlements, missing, next, evidence);
    }

    private static List<ContractExtractor.Entitlement>? Entitlements(JsonObject o)
    {
        if (o["entitlements"] is not JsonArray a) return null;
        var list = new List<ContractExtractor.Entitlement>();
        foreach (var x in a.OfType<JsonObject>().Take(50))
        {
            if (Text(x, "name") is not { } name) continue;
            int? qty = x["quantity"] is JsonValue q && q.TryGetValue<double>(out var qd) && qd is >= 0 and <= int.MaxValue && qd == Math.Floor(qd) ? (int)qd : null;
            decimal? price = x["price"] is JsonValue p && p.TryGetValue<decimal>(out var pd) && pd is >= 0 and < 100_000_000m ? Math.Round(pd, 2) : null;
            var category = Text(x, "category")?.ToLowerInvariant() is { } cat && Categories.Contains(cat) ? cat : "product";
            list.Add(new ContractExtractor.Entitlement(Cut(name, 200), qty, Text(x, "unit") is { } u ? Cut(u.ToLowerInvariant(), 50) : null, price, category, Cut(Text(x, "evidence") ?? "", 300)));
        }
        return list;
    }

    private static DateOnly? Date(JsonObject o, string key) =>
        Text(o, key) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    private static string? Text(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0 ? s.Trim() : null;

    private static JsonArray? Strings(JsonObject o, string key) =>
        o[key] is JsonArray a ? new JsonArray([.. a.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s.Trim() : null)
            .Where(s => s is { Length: > 0 }).Take(10).Select(s => (JsonNode)Cut(s!, 300))]) : null;

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
