using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Gateway;
using Clientele.Platform.Database;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Clientele.Modules.Success.Transcripts;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// Who reads a transcript (issue 11 item 8): with Ai__Provider=openai the configured model, through
/// IAiGateway (workflow "transcripts", node "analyze", one llm_usage_logs row), asked for the
/// analysis as JSON; each field it answers well replaces the built-in analyzer's, the rest stay the
/// built-in's. A provider failure or an answer that is not the analysis leaves the built-in
/// reading, with the reason. With the built-in provider only the built-in analyzer runs.
/// </summary>
public sealed class TranscriptModel(IAiGateway gateway, MeetingAnalyzer analyzer, ILogger<TranscriptModel> logger)
{
    public const string Workflow = "transcripts", Node = "analyze";
    /// <summary>The transcript text sent to the model is cut here (about 30k tokens).</summary>
    public const int MaxChars = 120_000;

    public sealed record Result(MeetingAnalyzer.Reading Reading, string AnalyzedBy, string? FallbackReason);

    public async Task<Result> ReadAsync(TenantSession s, TranscriptParser.Parsed parsed, DateTimeOffset meetingAt, CancellationToken ct)
    {
        var builtIn = analyzer.Analyze(parsed, meetingAt);
        if (gateway.Provider == AiOptions.Builtin) return new Result(builtIn, AiOptions.Builtin, null);
        try
        {
            var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json, Temperature = 0.1f };
            var result = await gateway.CompleteAsync(s, new AiCall(Workflow, Node, Messages(parsed, meetingAt), options), ct);
            return Merge(result.Text, builtIn) is { } read
                ? new Result(read, result.Model, null)
                : new Result(builtIn, AiOptions.Builtin, "the model's answer was not the analysis JSON");
        }
        catch (AiProviderException e)
        {
            logger.LogWarning(e, "transcript model call failed; the built-in analyzer's reading is kept");
            return new Result(builtIn, AiOptions.Builtin, e.Message);
        }
    }

    private static List<AiMessage> Messages(TranscriptParser.Parsed parsed, DateTimeOffset meetingAt)
    {
        var text = new StringBuilder();
        foreach (var u in parsed.Utterances)
        {
            if (text.Length > MaxChars) break;
            text.Append(u.Speaker is null ? "" : u.Speaker + ": ").AppendLine(u.Text);
        }
        return
        [
            new(ChatRole.System, $$"""
                You analyse a customer meeting for a customer success manager. The meeting took place on {{meetingAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}.
                Answer with one JSON object and nothing else, with these keys:
                "summary" (2-4 sentences), "overall_sentiment" (positive|neutral|negative|mixed), "sentiment_score" (-100..100),
                "action_items" [{"item","owner","due"}], "commitments" [{"commitment","owner","due"}], "follow_ups" [{"follow_up","owner","due"}],
                "risk_signals" [{"type","severity":"low|medium|high","signal","speaker"}], "risk_level" (low|medium|high|critical),
                "expansion_signals" [{"type":"seats|upgrade|team|mention","signal","speaker","quantity"}], "expansion_potential" (none|low|medium|high),
                "stakeholder_insights" [{"name","stance":"positive|neutral|negative","notes"}], "competitor_mentions" [{"name","quote","speaker"}],
                "confidence" (0..100). Dates as YYYY-MM-DD. Quote the transcript in "signal" and "quote"; invent nothing.
                """),
            new(ChatRole.User, "TRANSCRIPT:\n" + text),
        ];
    }

    /// <summary>The model's fields that are well formed, over the built-in reading; null when the answer is not a JSON object.</summary>
    public static MeetingAnalyzer.Reading? Merge(string answer, MeetingAnalyzer.Reading builtIn)
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
        if (Text(o, "summary") is null && Objects(o, "action_items") is null && Objects(o, "risk_signals") is null) return null;

        return builtIn with
        {
            Summary = Text(o, "summary") is { } sum ? Cut(sum, 4000) : builtIn.Summary,
            OverallSentiment = OneOf(o, "overall_sentiment", "positive", "neutral", "negative", "mixed") ?? builtIn.OverallSentiment,
            SentimentScore = Int(o, "sentiment_score", -100, 100) ?? builtIn.SentimentScore,
            ActionItems = Objects(o, "action_items") ?? builtIn.ActionItems,
            Commitments = Objects(o, "commitments") ?? builtIn.Commitments,
            FollowUps = Objects(o, "follow_ups") ?? builtIn.FollowUps,
            RiskSignals = Objects(o, "risk_signals") ?? builtIn.RiskSignals,
            RiskLevel = OneOf(o, "risk_level", "low", "medium", "high", "critical") ?? builtIn.RiskLevel,
            ExpansionSignals = Objects(o, "expansion_signals") ?? builtIn.ExpansionSignals,
            ExpansionPotential = OneOf(o, "expansion_potential", "none", "low", "medium", "high") ?? builtIn.ExpansionPotential,
            // Matched to contacts by name afterwards: only entries with a name.
            StakeholderInsights = Objects(o, "stakeholder_insights", "name") ?? builtIn.StakeholderInsights,
            CompetitorMentions = Objects(o, "competitor_mentions", "name") ?? builtIn.CompetitorMentions,
            Confidence = Int(o, "confidence", 0, 100) ?? builtIn.Confidence,
        };
    }

    private static string? Text(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0 ? s.Trim() : null;

    private static string? OneOf(JsonObject o, string key, params string[] allowed) =>
        Text(o, key)?.ToLowerInvariant() is { } s && allowed.Contains(s) ? s : null;

    private static int? Int(JsonObject o, string key, int min, int max) =>
        o[key] is JsonValue v && v.TryGetValue<double>(out var d) && !double.IsNaN(d) ? (int)Math.Clamp(Math.Round(d), min, max) : null;

    /// <summary>An array of objects (each with a string <paramref name="required"/> key when given); anything else in it is dropped.</summary>
    private static JsonArray? Objects(JsonObject o, string key, string? required = null)
    {
        if (o[key] is not JsonArray a) return null;
        var kept = a.OfType<JsonObject>().Where(x => required is null || Text(x, required) is not null).Take(100).Select(x => (JsonNode)x.DeepClone()).ToArray();
        return new JsonArray(kept);
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
