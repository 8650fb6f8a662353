using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// Who writes and for which company, from how people introduce themselves: "I'm Maria",
/// "this is John from Globex", "my name is ana souza", "Carla here", "Jane Doe, COO at Umbrella
/// Corp", "me llamo Carlos", "sou a Fernanda da Pixel", "Acme's team", "Thanks, Tom". Names and
/// companies are capitalized words; a company needs an introduction before "from"/"at" so
/// "switching from Zendesk" names no company.
/// </summary>
internal static partial class PeopleAndCompanies
{
    private const string Cap = @"\p{Lu}[\p{Ll}'’-]+";
    private const string CompanyWord = @"(?:\p{Lu}[\p{L}\d&'’-]*|&)";

    [GeneratedRegex(@"(?i:\b(?:i'm|i’m|im|i am|this is|it's|it’s|my name is|my name's|name's|me llamo|mi nombre es|soy|meu nome é|meu nome e|sou o|sou a|sou|aqui é o|aqui é a|aqui é|aqui e)\s+)(?<name>" + Cap + @"(?:\s+" + Cap + "){0,2})", RegexOptions.CultureInvariant)]
    private static partial Regex IntroPattern();

    [GeneratedRegex(@"(?i:\b(?:my name is|me llamo|mi nombre es|meu nome é|meu nome e)\s+)(?<name>[\p{L}'’-]{2,}(?:\s+[\p{L}'’-]{2,})?)", RegexOptions.CultureInvariant)]
    private static partial Regex LowerCaseNamePattern();

    [GeneratedRegex(@"(?:^|[,.!?]\s*|(?i:\b(?:hi|hey|hello|ola|hola))[,!]?\s+)(?<name>" + Cap + @")\s+here\b", RegexOptions.CultureInvariant)]
    private static partial Regex HerePattern();

    [GeneratedRegex(@"^\s*(?<name>" + Cap + @"(?:\s+" + Cap + @")?),\s+(?:CEO|CTO|COO|CFO|CMO|VP|Head|Director|Manager|Founder|Co-founder|Owner|Lead|President|Partner)\b", RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();

    [GeneratedRegex(@"(?i:\b(?:thanks|thank you|cheers|regards|best|obrigad[oa]|gracias|abs|att))[,!.]?\s*[-–—]?\s*(?<name>" + Cap + @")\s*[.!]?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SignaturePattern();

    [GeneratedRegex(@"(?i:\b(?<intro>from|at|@|da|do|de|del)\s+)(?<company>" + CompanyWord + @"(?:\s+" + CompanyWord + "){0,3})", RegexOptions.CultureInvariant)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"(?i:\b(?:i'm|i’m|im|i am|this is|it's|it’s|my name|here|we're|we’re|we are|work|works|working|lead|manager|director|head|ceo|cto|coo|cfo|cmo|vp|founder|owner|soy|sou|me llamo|aqui|engineer|admin|president|rep|partner|consultant|analyst|specialist)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex IntroductionCue();

    // "we're switching from Zendesk", "I'm moving from HubSpot": a vendor, not the writer's company.
    [GeneratedRegex(@"(?i:\b(?:switch\w*|mov\w*|migrat\w*|coming|came|buy\w*|bought|using|used|leav\w*|left|tried|trying|quoted|offer\w*)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex VendorCue();

    [GeneratedRegex(@"\b(?<company>\p{Lu}[\p{L}\d&]+(?:\s+\p{Lu}[\p{L}\d&]+)?)['’]s\s+(?:team|company|side|staff|account|employees|members|people|support|sales|agents|behalf|office|offices|organization|org|ceo|cto)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PossessivePattern();

    [GeneratedRegex(@"(?i:\b(?:work(?:ing)? (?:for|at)|my company is|our company is|company called|company named|company:|empresa:|empresa (?:é|e|es|se chama|se llama)|trabalho (?:na|no)|trabajo (?:en|para))\s+)(?<company>" + CompanyWord + @"(?:\s+" + CompanyWord + "){0,3})", RegexOptions.CultureInvariant)]
    private static partial Regex CompanyIsPattern();

    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "interested", "looking", "having", "trying", "not", "the", "very", "just", "here", "back", "new", "sorry", "glad", "happy",
        "writing", "calling", "reaching", "from", "with", "still", "also", "currently", "going", "getting", "done", "ready", "sure",
        "afraid", "following", "ok", "okay", "fine", "good", "great", "really", "so", "well", "unable", "locked", "furious",
        "disappointed", "team", "all", "everyone", "guys", "again", "bye", "much", "a", "an", "in", "on", "at", "urgent",
        "unacceptable", "frustrated", "confused", "thinking", "planning", "moving", "switching", "cancelling", "canceling",
        "support", "sales", "billing", "admin", "hi", "hello", "hey", "thanks", "customer", "client", "user", "owner", "ceo",
        "interessado", "interesada", "interesado", "cliente", "de", "da", "do", "muito", "muy", "and", "i", "e", "y", "need", "want",
        "would", "will", "am", "is", "looking", "calling", "writing",
    };

    private static readonly HashSet<string> NotCompanies = new(StringComparer.Ordinal)
    {
        "i", "the", "a", "an", "we", "my", "our", "your", "this", "that", "it", "brazil", "brasil", "spain", "espana", "mexico",
        "portugal", "argentina", "chile", "colombia", "peru", "usa", "us", "uk", "canada", "germany", "france", "italy", "india",
        "london", "lisbon", "lisboa", "madrid", "barcelona", "paris", "berlin", "new york", "nyc", "sao paulo", "rio",
        "rio de janeiro", "buenos aires", "europe", "asia", "africa", "america", "home", "utc", "gmt", "am", "pm", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "google", "linkedin", "instagram", "whatsapp",
        "facebook", "twitter", "email", "e-mail", "api", "ai",
    };

    public static string? Name(string text)
    {
        foreach (var m in new[] { TitlePattern().Match(text), IntroPattern().Match(text), HerePattern().Match(text), SignaturePattern().Match(text) })
            if (m.Success && CleanName(m.Groups["name"].Value) is { } name) return name;
        var lower = LowerCaseNamePattern().Match(text);
        return lower.Success ? CleanName(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(lower.Groups["name"].Value.ToLowerInvariant())) : null;
    }

    public static string? Company(string text)
    {
        foreach (Match m in FromPattern().Matches(text))
        {
            // "from"/"at" names a company only after an introduction in the same sentence.
            var before = SentenceBefore(text, m.Index);
            if (!IntroductionCue().IsMatch(before) || VendorCue().IsMatch(before)) continue;
            if (CleanCompany(m.Groups["company"].Value) is { } c) return c;
        }
        foreach (var m in new[] { CompanyIsPattern().Match(text), PossessivePattern().Match(text) })
            if (m.Success && CleanCompany(m.Groups["company"].Value) is { } c) return c;
        return null;
    }

    private static string SentenceBefore(string text, int index)
    {
        var start = Math.Max(0, index - 60);
        var cut = text.LastIndexOfAny(['.', '!', '?', '\n'], Math.Max(0, index - 1));
        if (cut >= start && cut < index) start = cut + 1;
        return text[start..index];
    }

    private static string? CleanName(string raw)
    {
        var words = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => !IsNotName(w)).ToList();
        if (words.Count == 0) return null;
        return string.Join(' ', words).TrimEnd('\'', '’', '-');
    }

    private static bool IsNotName(string word)
    {
        var f = TextTokens.Fold(word.TrimEnd('\'', '’', '-'));
        return NotNames.Contains(f) || CalendarWords.Weekdays.ContainsKey(f) || CalendarWords.Months.ContainsKey(f);
    }

    private static string? CleanCompany(string raw)
    {
        var c = raw.Trim().TrimEnd('.', ',', '\'', '’', '-', '&').Trim();
        if (c.EndsWith("'s", StringComparison.Ordinal) || c.EndsWith("’s", StringComparison.Ordinal)) c = c[..^2];
        var folded = TextTokens.Fold(c);
        if (c.Length < 2 || NotCompanies.Contains(folded) || NotCompanies.Contains(folded.Split(' ')[0])) return null;
        if (CalendarWords.Weekdays.ContainsKey(folded) || CalendarWords.Months.ContainsKey(folded)) return null;
        return c;
    }
}
