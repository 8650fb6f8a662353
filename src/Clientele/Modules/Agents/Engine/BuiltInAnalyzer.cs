using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The built-in engine's reading of a customer message: intent with confidence, lexicon sentiment
/// and emotion, urgency and entities. Deterministic (same text and time → same analysis), offline,
/// and fast (tens of microseconds for a chat message). Thread-safe: all state is read-only after
/// construction.
/// </summary>
public sealed class BuiltInAnalyzer : IMessageAnalyzer
{
    /// <summary>Longer texts are cut here (an e-mail thread's tail says little more about intent).</summary>
    public const int MaxChars = 5000;

    private readonly IntentClassifier _intents = new();
    private readonly SentimentLexicon _sentiment = new();
    private readonly UrgencyDetector _urgency = new();
    private readonly EmotionDetector _emotions = new();
    private readonly Speller _speller;

    public BuiltInAnalyzer()
    {
        _speller = new Speller(_intents.Words.Concat(_sentiment.Words).Concat(_urgency.Words).Concat(_emotions.Words));
    }

    public MessageAnalysis Analyze(string text, DateTimeOffset now)
    {
        text ??= "";
        if (text.Length > MaxChars) text = text[..MaxChars];
        var tokens = TextTokens.Tokenize(MaskLinks(text));
        _speller.Correct(tokens);
        var sentiment = _sentiment.Score(tokens);
        var urgency = _urgency.Detect(tokens, sentiment);
        var (intent, confidence) = _intents.Classify(tokens, sentiment);
        var emotion = _emotions.Detect(tokens, sentiment, urgency);
        return new MessageAnalysis(intent, confidence, sentiment, emotion, urgency, EntityExtractor.Extract(text, now));
    }

    /// <summary>E-mail addresses and links blanked (same length), so "ana.costa@…" reads as no words.</summary>
    internal static string MaskLinks(string text)
    {
        if (text.IndexOf('@') < 0 && text.IndexOf("http", StringComparison.OrdinalIgnoreCase) < 0 && text.IndexOf("www.", StringComparison.OrdinalIgnoreCase) < 0)
            return text;
        var blanked = ContactDetails.EmailPattern().Replace(text, m => new string(' ', m.Length));
        return ContactDetails.UrlPattern().Replace(blanked, m => new string(' ', m.Length));
    }
}
