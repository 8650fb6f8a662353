namespace Clientele.Modules.Agents.Engine;

/// <summary>One cue found in a message: its label (an intent, an urgency level...), weight and token span.</summary>
internal readonly record struct CueHit(string Label, double Weight, int Start, int End, bool Negated);

/// <summary>
/// Weighted word and phrase cues matched over folded tokens. A cue is space-separated words;
/// "cancel*" matches words starting with "cancel"; "~" skips up to two words ("can't ~ log in"
/// matches "can't even log in"). A cue is negated when "not", "don't", "no", "nunca"… come
/// shortly before it in the same clause; cues that spell the negation themselves ("not working")
/// are never negated again.
/// </summary>
internal sealed class CueSet
{
    private sealed record Cue(string Label, double Weight, string[] Words);

    private static readonly HashSet<string> Negators = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "won't", "can't", "couldn't",
        "shouldn't", "wouldn't", "haven't", "hasn't", "without", "nor", "neither", "nao", "nunca", "nem", "sem", "sin", "ni", "jamas",
    };

    private readonly Dictionary<string, List<Cue>> _byFirstWord = new(StringComparer.Ordinal);
    private readonly List<Cue> _byFirstPrefix = [];
    private readonly Func<IReadOnlyList<Token>, int, bool> _isNegated;

    /// <param name="isNegated">how to tell a negated cue (default: <see cref="IsNegated"/>)</param>
    public CueSet(IEnumerable<(string Label, double Weight, string Pattern)> cues, Func<IReadOnlyList<Token>, int, bool>? isNegated = null)
    {
        _isNegated = isNegated ?? IsNegated;
        foreach (var (label, weight, pattern) in cues)
        {
            var words = pattern.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var cue = new Cue(label, weight, words);
            if (words[0].EndsWith('*')) _byFirstPrefix.Add(cue);
            else
            {
                if (!_byFirstWord.TryGetValue(words[0], out var list)) _byFirstWord[words[0]] = list = [];
                list.Add(cue);
            }
        }
    }

    /// <summary>Every word the cues spell (prefix cues as their stem), for the spelling corrector.</summary>
    public IEnumerable<string> Words =>
        _byFirstWord.Values.SelectMany(l => l).Concat(_byFirstPrefix).SelectMany(c => c.Words).Where(w => w != "~");

    public List<CueHit> Match(IReadOnlyList<Token> tokens)
    {
        var hits = new List<CueHit>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (_byFirstWord.TryGetValue(tokens[i].Text, out var exact))
                foreach (var cue in exact) TryAdd(cue, tokens, i, hits);
            foreach (var cue in _byFirstPrefix)
                if (WordMatches(cue.Words[0], tokens[i].Text)) TryAdd(cue, tokens, i, hits);
        }
        return hits;
    }

    private void TryAdd(Cue cue, IReadOnlyList<Token> tokens, int start, List<CueHit> hits)
    {
        var end = MatchFrom(cue.Words, 0, tokens, start);
        if (end < 0) return;
        var spellsNegation = Negators.Contains(cue.Words[0]);
        hits.Add(new CueHit(cue.Label, cue.Weight, start, end, !spellsNegation && _isNegated(tokens, start)));
    }

    /// <summary>Matches words[w..] at tokens[t..]; returns the index after the match or -1.</summary>
    private static int MatchFrom(string[] words, int w, IReadOnlyList<Token> tokens, int t)
    {
        if (w == words.Length) return t;
        if (words[w] == "~")
        {
            for (var skip = 0; skip <= 2 && t + skip <= tokens.Count; skip++)
            {
                var end = MatchFrom(words, w + 1, tokens, t + skip);
                if (end >= 0) return end;
            }
            return -1;
        }
        if (t >= tokens.Count || !WordMatches(words[w], tokens[t].Text)) return -1;
        return MatchFrom(words, w + 1, tokens, t + 1);
    }

    public static bool WordMatches(string pattern, string word) =>
        pattern.EndsWith('*') ? word.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal) : word == pattern;

    /// <summary>A negator up to three words before, with no clause break in between ("not happy", "don't want to cancel").</summary>
    public static bool IsNegated(IReadOnlyList<Token> tokens, int index)
    {
        for (var j = index - 1; j >= 0 && j >= index - 3; j--)
        {
            if (tokens[j + 1].BreakBefore) return false;
            if (Negators.Contains(tokens[j].Text)) return true;
        }
        return false;
    }
}
