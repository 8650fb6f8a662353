namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// The words of a customer's question worth searching for: letters and digits only (so nothing
/// can act as a tsquery operator), without greetings and chat filler that would match every
/// article ("hi", "please", "need", "help"). PostgreSQL drops English stop words and stems the rest.
/// </summary>
internal static class SearchTerms
{
    public const int MaxTerms = 16;

    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "hi", "hello", "hey", "thanks", "thank", "please", "pls", "need", "want", "know", "help", "can", "could", "would", "get",
        "just", "like", "ok", "okay", "yes", "no", "im", "ive", "dont", "cant", "hola", "ola", "oi", "obrigado", "gracias", "por",
        "favor", "para", "que", "como", "una", "uno", "um", "uma", "de", "da", "do", "el", "la", "los", "las", "por", "con", "com",
        "mi", "meu", "minha", "sua", "su", "es", "e", "y", "o", "a", "quick", "question", "team", "guys", "anyone", "someone",
    };

    public static List<string> From(string? text)
    {
        var terms = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return terms;
        foreach (var token in TextTokens.Tokenize(BuiltInAnalyzer.MaskLinks(text)))
        {
            // "acme's" searches for acme; other contractions ("don't", "i'm") are function words.
            var stem = token.Text.EndsWith("'s", StringComparison.Ordinal) ? token.Text[..^2] : token.Text;
            if (stem.Contains('\'')) continue;
            var word = new string(stem.Where(char.IsLetterOrDigit).ToArray());
            if (word.Length < 2 || Filler.Contains(word) || terms.Contains(word)) continue;
            terms.Add(word);
            if (terms.Count == MaxTerms) return terms;
        }
        return terms;
    }
}
