using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>An article that answers the question, and the passage of it to quote.</summary>
public sealed record GroundedAnswer(KnowledgeHit Article, string Passage, int SharedTerms);

/// <summary>
/// Decides whether a knowledge base article really answers a question — full-text search returns
/// an article for a single shared word — and picks its most relevant passage. Both compare
/// crude stems of the content words ("charged", "charges" → "charg").
/// </summary>
public static partial class Grounding
{
    private const int MaxPassage = 320;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "you", "your", "our", "are", "was", "were", "with", "that", "this", "have", "has", "had", "not", "but",
        "can", "could", "would", "should", "will", "what", "when", "where", "why", "how", "who", "which", "there", "their", "them",
        "they", "its", "it's", "from", "into", "about", "any", "all", "some", "just", "also", "been", "being", "does", "did", "doing",
        "i'm", "i've", "don't", "can't", "please", "thanks", "thank", "hello", "need", "want", "know", "help", "get", "got", "like",
        "one", "two", "more", "most", "very", "much", "too", "then", "than", "only", "still", "again", "here", "yes", "okay", "hey",
        "que", "para", "com", "por", "uma", "como", "los", "las", "del", "una", "meu", "minha", "mas", "pero", "quick", "question",
        "team", "way", "use", "using", "make", "way", "time", "today", "now", "my", "me", "we", "us",
    };

    [GeneratedRegex(@"(?<=[.!?])\s+|\r?\n+", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"[#*_`>]+", RegexOptions.CultureInvariant)]
    private static partial Regex Markdown();

    public static GroundedAnswer? Best(string question, IReadOnlyList<KnowledgeHit>? articles)
    {
        if (articles is null || articles.Count == 0) return null;
        var q = Stems(question);
        if (q.Count == 0) return null;
        GroundedAnswer? best = null;
        var bestScore = 0.0;
        foreach (var a in articles)
        {
            var title = Stems(a.Title);
            var content = Stems(a.Content);
            var shared = q.Count(t => title.Contains(t) || content.Contains(t));
            var inTitle = q.Count(title.Contains);
            var grounded = shared >= 2 || (shared >= 1 && inTitle >= 1 && q.Count <= 3);
            if (!grounded) continue;
            var score = shared + 0.5 * inTitle + 0.01 * a.Rank;
            if (score > bestScore) { bestScore = score; best = new GroundedAnswer(a, Passage(q, a.Content), shared); }
        }
        return best;
    }

    /// <summary>The sentence sharing most words with the question (and the next one when it is short).</summary>
    internal static string Passage(HashSet<string> question, string content)
    {
        var sentences = SentenceBreak().Split(Markdown().Replace(content, "")).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (sentences.Count == 0) return "";
        var bestIndex = 0;
        var bestShared = -1;
        for (var i = 0; i < sentences.Count; i++)
        {
            var shared = Stems(sentences[i]).Count(question.Contains);
            if (shared > bestShared) { bestShared = shared; bestIndex = i; }
        }
        var passage = sentences[bestIndex];
        if (passage.Length < 80 && bestIndex + 1 < sentences.Count) passage += " " + sentences[bestIndex + 1];
        if (passage.Length <= MaxPassage) return passage;
        var cut = passage.LastIndexOf(' ', MaxPassage - 1);
        return passage[..(cut > MaxPassage / 2 ? cut : MaxPassage - 1)].TrimEnd(',', ';', ':') + "…";
    }

    internal static HashSet<string> Stems(string text)
    {
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in TextTokens.Tokenize(text))
        {
            var w = t.Text;
            if (w.Length < 3 || StopWords.Contains(w) || !char.IsLetterOrDigit(w[0])) continue;
            stems.Add(Stem(w));
        }
        return stems;
    }

    /// <summary>Strips a common English suffix, then keeps five letters: enough to match inflections ("charge", "charged"), cheap and deterministic.</summary>
    internal static string Stem(string w)
    {
        if (w.EndsWith("'s", StringComparison.Ordinal)) w = w[..^2];
        if (w.Length > 5 && w.EndsWith("ies", StringComparison.Ordinal)) w = w[..^3] + "y";
        else if (w.Length > 5 && w.EndsWith("ing", StringComparison.Ordinal)) w = w[..^3];
        else if (w.Length > 4 && w.EndsWith("ed", StringComparison.Ordinal)) w = w[..^2];
        else if (w.Length > 4 && w.EndsWith("es", StringComparison.Ordinal)) w = w[..^2];
        else if (w.Length > 3 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal)) w = w[..^1];
        return w.Length > 5 ? w[..5] : w;
    }
}
