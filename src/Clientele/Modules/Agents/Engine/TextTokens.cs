using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>A word of a message: folded (lower case, no accents, so "preço" matches "preco") and where it sits in the text.</summary>
internal readonly record struct Token(string Text, string Raw, int Start, int End, bool BreakBefore)
{
    /// <summary>BreakBefore: punctuation (, . ; : ! ? or a dash) separates this word from the previous one, which ends a negation's reach.</summary>
    public bool IsAllCaps => Raw.Length >= 3 && Raw.Any(char.IsLetter) && Raw.Where(char.IsLetter).All(char.IsUpper);
}

/// <summary>Splits messages into folded words, spelling out common contractions so cues can be written once.</summary>
internal static partial class TextTokens
{
    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}]+)?|[!?]|[\p{So}\p{Cs}]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    // Forms people type without the apostrophe, mapped to one spelling.
    private static readonly Dictionary<string, string> Contractions = new(StringComparer.Ordinal)
    {
        ["dont"] = "don't", ["doesnt"] = "doesn't", ["didnt"] = "didn't", ["cant"] = "can't", ["cannot"] = "can't",
        ["wont"] = "won't", ["isnt"] = "isn't", ["arent"] = "aren't", ["wasnt"] = "wasn't", ["havent"] = "haven't",
        ["hasnt"] = "hasn't", ["couldnt"] = "couldn't", ["shouldnt"] = "shouldn't", ["wouldnt"] = "wouldn't",
        ["im"] = "i'm", ["ive"] = "i've", ["whats"] = "what's", ["thats"] = "that's", ["youre"] = "you're",
        ["pls"] = "please", ["plz"] = "please", ["u"] = "you", ["r"] = "are", ["ur"] = "your", ["thx"] = "thanks", ["ty"] = "thanks",
    };

    private static readonly System.Buffers.SearchValues<char> ClauseBreaks = System.Buffers.SearchValues.Create(",.;:!?–-");

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        foreach (Match m in WordPattern().Matches(text))
        {
            var folded = CollapseRuns(Fold(m.Value).Replace('’', '\''));
            if (Contractions.TryGetValue(folded, out var spelled)) folded = spelled;
            var gapStart = tokens.Count == 0 ? 0 : tokens[^1].End;
            var broken = tokens.Count == 0 || text.AsSpan(gapStart, m.Index - gapStart).IndexOfAny(ClauseBreaks) >= 0
                         || tokens[^1].Text is "!" or "?";
            tokens.Add(new Token(folded, m.Value, m.Index, m.Index + m.Length, broken));
        }
        return tokens;
    }

    /// <summary>Lower case without diacritics ("Não" → "nao", "mañana" → "manana"), same length as the input.</summary>
    /// <remarks>A table rather than string.Normalize: the host runs with invariant globalization, where FormD does not decompose.</remarks>
    public static string Fold(string s)
    {
        var lower = s.ToLowerInvariant();
        var allAscii = true;
        foreach (var c in lower) if (c > 127) { allAscii = false; break; }
        if (allAscii) return lower;
        return string.Create(lower.Length, lower, static (span, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                var c = src[i];
                var k = c >= Accented0 ? Accented.IndexOf(c, StringComparison.Ordinal) : -1;
                span[i] = k >= 0 ? Plain[k] : c;
            }
        });
    }

    /// <summary>"hiii" → "hi", "sooo" → "so": a letter typed three or more times counts once.</summary>
    private static string CollapseRuns(string w)
    {
        var run = false;
        for (var i = 2; i < w.Length && !run; i++) run = w[i] == w[i - 1] && w[i] == w[i - 2] && char.IsLetter(w[i]);
        if (!run) return w;
        var sb = new System.Text.StringBuilder(w.Length);
        for (var i = 0; i < w.Length; i++)
        {
            var j = i;
            while (j + 1 < w.Length && w[j + 1] == w[i]) j++;
            sb.Append(w[i]);
            if (j - i + 1 < 3 || !char.IsLetter(w[i])) sb.Append(w[i], j - i);
            i = j;
        }
        return sb.ToString();
    }

    private const char Accented0 = 'à';
    private const string Accented = "àáâãäåāăąçćčèéêëēęěìíîïīñńňòóôõöøōùúûüūůýÿžźżšśřłđ";
    private const string Plain = "aaaaaaaaaccceeeeeeeiiiiinnnooooooouuuuuuyyzzzssrld";

    public static bool IsWord(in Token t) => t.Text.Length > 0 && char.IsLetterOrDigit(t.Text[0]);
}
