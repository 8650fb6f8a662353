using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Success.Transcripts;

/// <summary>
/// The built-in (offline, deterministic) reading of a meeting transcript: summary, sentiment and
/// score (the engine's lexicon per utterance, weighted by words), action items, commitments,
/// follow-ups, churn risks, expansion signals, what each speaker stood for, competitors mentioned,
/// and a confidence that grows with the amount of labelled, timed text. Every item carries the
/// sentence it was read from and who said it, so a CSM can check it.
/// </summary>
public sealed class MeetingAnalyzer(IMessageAnalyzer engine)
{
    public sealed record Reading(string Summary, string OverallSentiment, int SentimentScore, JsonArray ActionItems, JsonArray Commitments, JsonArray FollowUps,
        JsonArray RiskSignals, string RiskLevel, JsonArray ExpansionSignals, string ExpansionPotential, JsonArray StakeholderInsights, JsonArray CompetitorMentions, int Confidence);

    private sealed record Sentence(string? Speaker, string Text, double Sentiment, DateTimeOffset? Due);

    public Reading Analyze(TranscriptParser.Parsed transcript, DateTimeOffset meetingAt)
    {
        var sentences = new List<Sentence>();
        var perUtterance = new List<(string? Speaker, int Words, double Sentiment)>();
        foreach (var u in transcript.Utterances)
        {
            var reading = engine.Analyze(u.Text, meetingAt);
            perUtterance.Add((u.Speaker, TranscriptParser.Words(u.Text), reading.Sentiment));
            foreach (var text in TranscriptCues.SentenceSplit().Split(u.Text).Select(x => x.Trim()).Where(x => x.Length > 0))
            {
                var one = engine.Analyze(text, meetingAt);
                sentences.Add(new Sentence(u.Speaker, text, one.Sentiment, one.Entities.DateTimes is { Count: > 0 } d ? d[0] : null));
            }
        }

        var words = Math.Max(1, perUtterance.Sum(p => p.Words));
        var mean = perUtterance.Sum(p => p.Sentiment * p.Words) / words;
        var score = (int)Math.Clamp(Math.Round(mean * 100), -100, 100);
        var strongPositive = perUtterance.Count(p => p.Sentiment >= 0.3);
        var strongNegative = perUtterance.Count(p => p.Sentiment <= -0.3);
        var overall = strongPositive > 0 && strongNegative > 0 && Math.Abs(score) < 20 ? "mixed" : score >= 15 ? "positive" : score <= -15 ? "negative" : "neutral";

        JsonObject Item(string key, Sentence s, string? owner = null) => new()
        {
            [key] = s.Text, ["owner"] = owner ?? s.Speaker, ["said_by"] = s.Speaker,
            ["due"] = s.Due?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        var commitments = new JsonArray(sentences.Where(s => TranscriptCues.Commitment().IsMatch(s.Text)).Select(s => (JsonNode)Item("commitment", s)).ToArray());
        var actions = new JsonArray(sentences.Where(s => TranscriptCues.Commitment().IsMatch(s.Text) || TranscriptCues.Request().IsMatch(s.Text))
            .Select(s => (JsonNode)Item("item", s, TranscriptCues.Commitment().IsMatch(s.Text) ? s.Speaker : null)).ToArray());
        var followUps = new JsonArray(sentences.Where(s => TranscriptCues.FollowUp().IsMatch(s.Text)).Select(s => (JsonNode)Item("follow_up", s)).ToArray());

        var risks = new JsonArray();
        foreach (var (type, severity, pattern) in TranscriptCues.Risks)
            foreach (var s in sentences.Where(s => pattern.IsMatch(s.Text)))
                risks.Add(new JsonObject { ["type"] = type, ["severity"] = severity, ["signal"] = s.Text, ["speaker"] = s.Speaker });

        var expansion = new JsonArray();
        foreach (var (type, pattern) in TranscriptCues.Expansion)
            foreach (var s in sentences)
            {
                if (pattern.Match(s.Text) is not { Success: true } m) continue;
                var qty = m.Groups.Values.Skip(1).FirstOrDefault(g => g.Success && int.TryParse(g.Value, out _))?.Value;
                expansion.Add(new JsonObject { ["type"] = type, ["signal"] = s.Text, ["speaker"] = s.Speaker, ["quantity"] = qty is null ? null : int.Parse(qty, CultureInfo.InvariantCulture) });
            }

        var competitors = Competitors(sentences);
        var riskPoints = risks.Sum(r => r!["severity"]!.GetValue<string>() == "high" ? 3 : 2) + 2 * competitors.Count + (overall == "negative" ? 2 : 0);
        var riskLevel = riskPoints >= 8 ? "critical" : riskPoints >= 5 ? "high" : riskPoints >= 2 ? "medium" : "low";
        var potential = expansion.Count == 0 ? "none"
            : expansion.Any(e => e!["quantity"] is not null) || expansion.Select(e => e!["type"]!.GetValue<string>()).Distinct().Count() >= 2 ? "high"
            : expansion.Count >= 2 ? "medium" : "low";

        var stakeholders = new JsonArray(perUtterance.Where(p => p.Speaker is not null).GroupBy(p => p.Speaker!, StringComparer.OrdinalIgnoreCase).Select(g =>
        {
            var w = Math.Max(1, g.Sum(p => p.Words));
            var sentiment = Math.Round(g.Sum(p => p.Sentiment * p.Words) / w, 2);
            return (JsonNode)new JsonObject
            {
                ["name"] = g.Key, ["utterances"] = g.Count(), ["talk_share_percent"] = Math.Round(100.0 * g.Sum(p => p.Words) / words),
                ["sentiment"] = sentiment, ["stance"] = sentiment >= 0.15 ? "positive" : sentiment <= -0.15 ? "negative" : "neutral",
                ["concerns"] = new JsonArray(risks.Where(r => Same(r!["speaker"], g.Key)).Select(r => (JsonNode?)r!["type"]!.GetValue<string>()).Distinct().ToArray()),
                ["interests"] = new JsonArray(expansion.Where(e => Same(e!["speaker"], g.Key)).Select(e => (JsonNode?)e!["type"]!.GetValue<string>()).Distinct().ToArray()),
            };
        }).ToArray());

        var speakers = transcript.Speakers;
        var confidence = (int)Math.Min(95, 30 + Math.Min(40, words / 10) + (speakers.Count >= 2 ? 15 : 0) + (transcript.Duration is not null ? 10 : 0));
        var summary = Summary(transcript, speakers, overall, score, actions.Count, risks, expansion, competitors);
        return new Reading(summary, overall, score, actions, commitments, followUps, risks, riskLevel, expansion, potential, stakeholders, competitors, confidence);
    }

    private static bool Same(JsonNode? speaker, string name) => speaker?.GetValue<string>() is { } s && string.Equals(s, name, StringComparison.OrdinalIgnoreCase);

    private static JsonArray Competitors(List<Sentence> sentences)
    {
        var found = new Dictionary<string, (int Count, Sentence First)>(StringComparer.OrdinalIgnoreCase);
        void Add(string name, Sentence s) => found[name] = found.TryGetValue(name, out var f) ? (f.Count + 1, f.First) : (1, s);
        foreach (var s in sentences)
        {
            var names = TranscriptCues.KnownCompetitors.Where(c => Regex.IsMatch(s.Text, $@"\b{Regex.Escape(c)}\b")).ToList();
            foreach (Match m in TranscriptCues.NamedAlternative().Matches(s.Text))
            {
                var name = m.Groups[1].Value.TrimEnd('.', ',');
                var first = name.Split(' ')[0];
                if (!TranscriptCues.NotCompanies.Contains(first) && !names.Any(n => name.StartsWith(n, StringComparison.OrdinalIgnoreCase))) names.Add(name);
            }
            foreach (var n in names.Distinct(StringComparer.OrdinalIgnoreCase)) Add(n, s);
        }
        return new JsonArray(found.Select(kv => (JsonNode)new JsonObject
        {
            ["name"] = kv.Key, ["mentions"] = kv.Value.Count, ["quote"] = kv.Value.First.Text, ["speaker"] = kv.Value.First.Speaker,
        }).ToArray());
    }

    private static string Summary(TranscriptParser.Parsed t, List<string> speakers, string overall, int score, int actions, JsonArray risks, JsonArray expansion, JsonArray competitors)
    {
        var parts = new List<string>();
        var length = t.Duration is { } d ? $"{Math.Max(1, (int)Math.Round(d / 60.0))}-minute meeting" : "Meeting";
        parts.Add(speakers.Count > 0 ? $"{length} with {speakers.Count} speaker{(speakers.Count == 1 ? "" : "s")} ({string.Join(", ", speakers)})." : $"{length} transcript.");
        parts.Add($"Sentiment {overall} ({score.ToString("+0;-0;0", CultureInfo.InvariantCulture)}).");
        if (risks.Count > 0) parts.Add($"Risks: {string.Join(", ", risks.Select(r => r!["type"]!.GetValue<string>().Replace('_', ' ')).Distinct())}.");
        if (competitors.Count > 0) parts.Add($"Competitors mentioned: {string.Join(", ", competitors.Select(c => c!["name"]!.GetValue<string>()))}.");
        if (expansion.Count > 0) parts.Add($"Expansion signals: {string.Join(", ", expansion.Select(e => e!["type"]!.GetValue<string>().Replace('_', ' ')).Distinct())}.");
        parts.Add($"{actions} action item{(actions == 1 ? "" : "s")}.");
        return string.Join(' ', parts);
    }
}
