using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>A sentence the customer wrote, with the engine's reading of that sentence alone.</summary>
public sealed record Quote(ConversationLine Message, string Text, MessageAnalysis Analysis);

/// <summary>
/// The customer's messages cut into sentences, each analyzed on its own, so that every score can
/// quote the exact words it rests on ("We need it for 200 agents urgently.") rather than a whole message.
/// </summary>
public static partial class CustomerQuotes
{
    public const int MaxQuote = 200;

    public static List<Quote> Of(IEnumerable<ConversationLine> customerLines, IMessageAnalyzer analyzer) =>
        customerLines.SelectMany(m => Sentences(m.Text).Select(t => new Quote(m, t, analyzer.Analyze(t, m.At)))).ToList();

    public static IEnumerable<string> Sentences(string text) =>
        Break().Split(text).Select(x => x.Trim()).Where(x => x.Length > 0);

    /// <summary>The quote as stored: at most <see cref="MaxQuote"/> characters, cut at a word and marked with "…".</summary>
    public static string Cut(string text)
    {
        text = text.Trim();
        if (text.Length <= MaxQuote) return text;
        var cut = text.LastIndexOf(' ', MaxQuote - 1);
        return text[..(cut > MaxQuote / 2 ? cut : MaxQuote - 1)].TrimEnd() + "…";
    }

    /// <summary>Whether a quote (a model's, say) really is the customer's words, ignoring case, spacing and a trailing "…".</summary>
    public static bool IsVerbatim(string quote, IEnumerable<ConversationLine> customerLines)
    {
        var q = Squash(quote.TrimEnd('…', '.', ' '));
        return q.Length >= 3 && customerLines.Any(l => Squash(l.Text).Contains(q, StringComparison.OrdinalIgnoreCase));
    }

    private static string Squash(string s) => Spaces().Replace(s.Trim().Trim('"', '“', '”'), " ");

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex Break();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
