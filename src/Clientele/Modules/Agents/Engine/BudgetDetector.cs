using System.Globalization;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Agents.Engine;

/// <summary>
/// What a buyer says about budget: Yes ("we have budget", "budget approved", "budget is $5k", "we
/// can spend up to €2,000"), No ("no budget", "no budget yet", "can't afford it") or Maybe
/// ("need to check budget", "budget not approved yet", "check with finance"), with the amount and
/// currency written in the same sentence. No is checked first, then Maybe, so "budget is not
/// approved yet" is Maybe and "no budget" is never Yes.
/// </summary>
internal static partial class BudgetDetector
{
    public readonly record struct Budget(string Status, decimal? Amount, string? Currency);

    [GeneratedRegex(@"\bno budget\b|\b(?:don't|do not|dont) have (?:a |the |any |much )?budget\b|\bwithout (?:a )?budget\b|\bzero budget\b|\bbudget is (?:zero|0|none)\b|\b(?:can't|cannot|can not) afford\b|\bno money\b|\bnot in (?:our|the) budget\b|\bsem (?:orcamento|verba)\b|\bnao (?:temos|tenho) (?:orcamento|verba)\b|\bsin presupuesto\b|\bno (?:tenemos|tengo) presupuesto\b|\bbudget (?:was |has been |got |is )?(?:cut|frozen)\b|\bno (?:funds|funding)\b", RegexOptions.CultureInvariant)]
    private static partial Regex NoBudget();

    [GeneratedRegex(@"\bcheck (?:the |our |my |on )?budget\b|\bcheck with (?:finance|procurement|my boss|management|accounting)\b|\bbudget (?:is |was )?(?:not|isn't|isnt) (?:yet )?(?:approved|confirmed|final|finalized|allocated|set)\b|\b(?:waiting|wait) (?:for|on) (?:the )?budget\b|\bbudget (?:approval|pending|tbd|tbc)\b|\bdepends on (?:the |our )?budget\b|\bnot sure (?:about|if we have) (?:the |a |our )?budget\b|\bworking on (?:the |our )?budget\b|\b(?:tight|limited|small) budget\b|\bneed (?:to get|approval for) (?:the |a )?budget\b|\bpending approval\b|\bverificar (?:o )?orcamento\b|\bver (?:el )?presupuesto\b|\bnot sure we can afford\b|\bmaybe (?:we have |there is )?(?:a |the )?budget\b", RegexOptions.CultureInvariant)]
    private static partial Regex MaybeBudget();

    [GeneratedRegex(@"\b(?:have|got) (?:a |the |some |an? approved )?budget\b|\bbudget (?:is |was |has been )?(?:approved|allocated|confirmed|secured|ready|available|set aside)\b|\b(?:approved|allocated) budget\b|\bbudget (?:is|of|around|about|~|up to|:)|\bcan spend\b|\bwilling to (?:pay|spend|invest)\b|\b(?:temos|tenho) (?:o |um )?(?:orcamento|verba)\b|\b(?:tenemos|tengo) (?:el |un )?presupuesto\b|\borcamento (?:aprovado|de|e)\b|\bpresupuesto (?:aprobado|de|es)\b|\bbudget for (?:this|it)\b", RegexOptions.CultureInvariant)]
    private static partial Regex YesBudget();

    [GeneratedRegex(@"(?:(?<cur>us\$|r\$|\$|€|£|usd|eur|brl|gbp)\s?(?<num>\d[\d,.]*\d|\d)\s?(?<mult>k|mil|thousand|m|million)?\b|(?<num>\d[\d,.]*\d|\d)\s?(?<mult>k|mil|thousand|million)?\s?(?<cur>usd|eur|brl|gbp|dollars?|euros?|reais|real|pounds?|dolares)\b|(?<num>\d[\d,.]*\d|\d)\s?(?<mult>k)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex Money();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    /// <param name="folded">the message, folded (lower case, no accents)</param>
    public static Budget? Detect(string folded)
    {
        foreach (var sentence in SentenceBreak().Split(folded))
        {
            var status = NoBudget().IsMatch(sentence) ? "No" : MaybeBudget().IsMatch(sentence) ? "Maybe" : YesBudget().IsMatch(sentence) ? "Yes" : null;
            if (status is null) continue;
            if (status == "No") return new Budget(status, null, null);
            var money = Money().Match(sentence);
            return money.Success && ParseAmount(money) is { } amount
                ? new Budget(status, amount, Currency(money.Groups["cur"].Value))
                : new Budget(status, null, null);
        }
        return null;
    }

    private static decimal? ParseAmount(Match m)
    {
        var raw = m.Groups["num"].Value;
        var lastComma = raw.LastIndexOf(',');
        var lastDot = raw.LastIndexOf('.');
        string normalized;
        if (lastComma >= 0 && lastDot >= 0)
        {
            var decimalSep = lastComma > lastDot ? ',' : '.';
            normalized = new string(raw.Where(c => char.IsDigit(c) || c == decimalSep).ToArray()).Replace(decimalSep, '.');
        }
        else
        {
            var sep = lastComma >= 0 ? ',' : lastDot >= 0 ? '.' : '\0';
            // "2,000" and "3.000" group thousands; "2,5" and "1.5" are decimals.
            var grouped = sep != '\0' && raw.Split(sep).Skip(1).All(p => p.Length == 3);
            normalized = sep == '\0' ? raw : grouped ? raw.Replace(sep.ToString(), "") : raw.Replace(sep, '.');
        }
        if (!decimal.TryParse(normalized, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)) return null;
        value *= m.Groups["mult"].Value switch { "k" or "mil" or "thousand" => 1_000m, "m" or "million" => 1_000_000m, _ => 1m };
        return value > 0 ? value : null;
    }

    private static string? Currency(string symbol) => symbol switch
    {
        "" => null,
        "r$" or "brl" or "reais" or "real" => "BRL",
        "€" or "eur" or "euro" or "euros" => "EUR",
        "£" or "gbp" or "pound" or "pounds" => "GBP",
        _ => "USD",
    };
}
