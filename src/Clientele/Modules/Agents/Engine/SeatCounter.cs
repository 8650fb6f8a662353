using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// How many people would use the product: "200 agents", "for 50 users/seats/licenses",
/// "200 support agents", "a team of 12", "20-person team", "only 40 would use it",
/// "20 usuários", "equipo de 12 personas". Employees are company size, not seats, and a price
/// ("$40 per agent") is not a seat count.
/// </summary>
internal static partial class SeatCounter
{
    private const string Number = @"(?<n>\d{1,3}(?:[,.]\d{3})+|\d+)";
    private const string Units = @"agents?|users?|seats?|licen[cs]es?|people|persons?|reps|representatives|members|staff|operators|attendants|sdrs?|vendedores|atendentes|usuarios|agentes|licencas|licencias|pessoas|personas|operadores";

    [GeneratedRegex(@"(?<![$€£\d.,])" + Number + @"\s*\+?\s*-?\s*(?:(?<adj>[a-z-]+)\s+)?(?:of\s+(?:our|my|the)\s+)?(?:" + Units + @")\b", RegexOptions.CultureInvariant)]
    private static partial Regex CountedUnits();

    [GeneratedRegex(@"\b(?:team|equipe|equipo|time|grupo) (?:of|de) (?:about |around |roughly |cerca de |unos |unas )?" + Number + @"\b", RegexOptions.CultureInvariant)]
    private static partial Regex TeamOf();

    [GeneratedRegex(@"(?<![$€£\d.,])" + Number + @"\s+(?:of them\s+)?(?:would|will|are going to|going to|vao|van a)\s+use\b", RegexOptions.CultureInvariant)]
    private static partial Regex WouldUse();

    private static readonly HashSet<string> NotAdjectives = new(StringComparer.Ordinal) { "per", "a", "an", "the", "in", "for", "to", "by", "more", "less", "other", "por", "para", "de" };

    /// <param name="folded">the message, folded (lower case, no accents)</param>
    public static int? Count(string folded)
    {
        foreach (var m in new[] { WouldUse().Match(folded), TeamOf().Match(folded) })
            if (m.Success && Parse(m.Groups["n"].Value) is { } n) return n;
        foreach (Match m in CountedUnits().Matches(folded))
        {
            if (m.Groups["adj"].Success && NotAdjectives.Contains(m.Groups["adj"].Value)) continue;
            if (Parse(m.Groups["n"].Value) is { } n) return n;
        }
        return null;
    }

    private static int? Parse(string s)
    {
        var digits = new string(s.Where(char.IsDigit).ToArray());
        return int.TryParse(digits, out var n) && n is > 0 and <= 1_000_000 ? n : null;
    }
}
