using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Clientele.Modules.Success.Contracts;

/// <summary>
/// The built-in (offline, deterministic) contract reader: company, ARR, term, start and end dates,
/// pricing terms, technical requirements and entitlements (quantity, unit, price), each with the
/// sentence it was read from as evidence; what it could not find becomes missing information and
/// next steps. Rules over the text, no model: what it reads, it can show.
/// </summary>
public static partial class ContractExtractor
{
    public sealed record Entitlement(string Name, int? Quantity, string? Unit, decimal? Price, string Category, string Evidence);

    public sealed record Result(string? Company, decimal? Arr, string? Term, DateOnly? Start, DateOnly? End, JsonArray PricingTerms, JsonArray TechnicalRequirements,
        List<Entitlement> Entitlements, JsonArray MissingInfo, JsonArray NextSteps, JsonObject Evidence);

    [GeneratedRegex(@"(?:between|by and between)\s+(.+?)\s*(?:\(|,)?\s*(?:the\s+)?[""“]?(?:provider|vendor|supplier)[""”]?\)?\s*,?\s*and\s+(.+?)\s*(?:\(|,|\.|$)", RegexOptions.IgnoreCase)]
    private static partial Regex Parties();
    [GeneratedRegex(@"^\s*(?:customer|client|company)\s*(?:name)?\s*:\s*(.+?)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex CustomerLine();
    [GeneratedRegex(@"(?:annual (?:recurring revenue|contract value|fee|subscription fee)|ARR|ACV)\D{0,30}?(?:USD|EUR|GBP|\$|€|£)\s?([\d,]+(?:\.\d{1,2})?)", RegexOptions.IgnoreCase)]
    private static partial Regex ArrPattern();
    [GeneratedRegex(@"(?:term|period)\s+of\s+(\w+|\d+)\s*(?:\(\d+\)\s*)?(months?|years?)", RegexOptions.IgnoreCase)]
    private static partial Regex TermPattern();
    [GeneratedRegex(@"(?:effective date|start date|commencement date|commences on|starts on|begin(?:s|ning)? on)\s*:?\s*(\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex StartPattern();
    [GeneratedRegex(@"(?:end date|expiration date|expiry date|expires on|ends on|terminates on|until)\s*:?\s*(\d{4}-\d{2}-\d{2}|[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})", RegexOptions.IgnoreCase)]
    private static partial Regex EndPattern();
    [GeneratedRegex(@"(\d[\d,]*)\s+([A-Za-z][A-Za-z \-]{1,40}?)\s+(?:at|@|for)\s+(?:USD|EUR|GBP|\$|€|£)\s?([\d,]+(?:\.\d{1,2})?)\s*(?:per|/|each|a)?\s*([a-z]+)?", RegexOptions.IgnoreCase)]
    private static partial Regex EntitlementPattern();
    [GeneratedRegex(@"(?<=[.!?])\s+|\r?\n+")]
    private static partial Regex SentenceSplit();

    private static readonly string[] PricingWords = ["discount", "net 30", "net 45", "net 60", "payment terms", "invoiced", "price increase", "uplift", "prepaid", "per seat", "per month", "per year", "fee"];
    private static readonly string[] TechnicalWords = ["sso", "saml", "scim", "api", "uptime", "sla", "gdpr", "soc 2", "soc2", "hipaa", "encryption", "data residency", "integration", "webhook", "support response"];
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["twelve"] = 12, ["eighteen"] = 18, ["twenty-four"] = 24, ["thirty-six"] = 36,
    };

    public static Result Extract(string text)
    {
        var evidence = new JsonObject();
        var sentences = SentenceSplit().Split(text).Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        string SentenceOf(int index) => sentences.FirstOrDefault(s => text.IndexOf(s, StringComparison.Ordinal) is var at && at <= index && at + s.Length >= index) ?? "";
        void Found(string field, Match m) => evidence[field] = Shorten(SentenceOf(m.Index));

        string? company = null;
        if (CustomerLine().Match(text) is { Success: true } cl) { company = Clean(cl.Groups[1].Value); Found("company_name", cl); }
        else if (Parties().Match(text) is { Success: true } p) { company = Clean(p.Groups[2].Value); Found("company_name", p); }

        decimal? arr = null;
        if (ArrPattern().Match(text) is { Success: true } a && decimal.TryParse(a.Groups[1].Value.Replace(",", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var av))
        { arr = av; Found("arr", a); }

        string? term = null;
        int? termMonths = null;
        if (TermPattern().Match(text) is { Success: true } t)
        {
            var n = int.TryParse(t.Groups[1].Value, out var k) ? k : Numbers.GetValueOrDefault(t.Groups[1].Value, 0);
            if (n > 0)
            {
                var years = t.Groups[2].Value.StartsWith("year", StringComparison.OrdinalIgnoreCase);
                termMonths = years ? n * 12 : n;
                term = $"{n} {(years ? "year" : "month")}{(n == 1 ? "" : "s")}";
                Found("contract_term", t);
            }
        }

        DateOnly? start = null, end = null;
        if (StartPattern().Match(text) is { Success: true } sm && ParseDate(sm.Groups[1].Value) is { } sd) { start = sd; Found("start_date", sm); }
        if (EndPattern().Match(text) is { Success: true } em && ParseDate(em.Groups[1].Value) is { } ed) { end = ed; Found("end_date", em); }
        if (end is null && start is { } s0 && termMonths is { } tm)
        {
            end = s0.AddMonths(tm).AddDays(-1);
            evidence["end_date"] = $"start date + {term} (no end date written)";
        }

        var entitlements = new List<Entitlement>();
        foreach (Match m in EntitlementPattern().Matches(text))
        {
            var name = Clean(m.Groups[2].Value);
            if (name.Length == 0 || entitlements.Count >= 50) continue;
            int? qty = int.TryParse(m.Groups[1].Value.Replace(",", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var q) ? q : null;
            decimal? price = decimal.TryParse(m.Groups[3].Value.Replace(",", ""), NumberStyles.Number, CultureInfo.InvariantCulture, out var pr) ? pr : null;
            var unit = m.Groups[4].Success && m.Groups[4].Value.Length > 0 ? m.Groups[4].Value.ToLowerInvariant() : Singular(name);
            var category = name.Contains("seat", StringComparison.OrdinalIgnoreCase) || name.Contains("user", StringComparison.OrdinalIgnoreCase) ? "seats"
                : name.Contains("support", StringComparison.OrdinalIgnoreCase) ? "support" : name.Contains("api", StringComparison.OrdinalIgnoreCase) || name.Contains("call", StringComparison.OrdinalIgnoreCase) ? "usage" : "product";
            entitlements.Add(new Entitlement(name, qty, unit, price, category, Shorten(SentenceOf(m.Index))));
        }

        var pricing = new JsonArray([.. sentences.Where(s => PricingWords.Any(w => s.Contains(w, StringComparison.OrdinalIgnoreCase))).Distinct().Take(10).Select(s => (JsonNode)Shorten(s))]);
        var technical = new JsonArray([.. sentences.Where(s => TechnicalWords.Any(w => Regex.IsMatch(s, $@"\b{Regex.Escape(w)}\b", RegexOptions.IgnoreCase))).Distinct().Take(10).Select(s => (JsonNode)Shorten(s))]);

        var (missing, next) = Gaps(company, arr, start, end, entitlements.Count);
        return new Result(company, arr, term, start, end, pricing, technical, entitlements, missing, next, evidence);
    }

    /// <summary>What is missing for a usable contract and the next steps that follow (the same rule whoever read the contract).</summary>
    public static (JsonArray Missing, JsonArray Next) Gaps(string? company, decimal? arr, DateOnly? start, DateOnly? end, int entitlements)
    {
        var missing = new JsonArray();
        var next = new JsonArray();
        void Need(bool absent, string field, string step)
        {
            if (!absent) return;
            missing.Add(field);
            next.Add(step);
        }
        Need(company is null, "company_name", "Confirm which customer signed the contract.");
        Need(arr is null, "arr", "Confirm the annual contract value (no ARR or annual fee found).");
        Need(start is null, "start_date", "Confirm the start date.");
        Need(end is null, "end_date", "Confirm the end or renewal date: renewals are planned from it.");
        Need(entitlements == 0, "entitlements", "List what the customer is entitled to (seats, usage, support).");
        if (missing.Count == 0) next.Add("Review the extracted terms and activate the contract.");
        return (missing, next);
    }

    private static DateOnly? ParseDate(string s)
    {
        string[] formats = ["yyyy-MM-dd", "MMMM d, yyyy", "MMM d, yyyy", "d MMMM yyyy", "d MMM yyyy"];
        return DateOnly.TryParseExact(s.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    private static string Clean(string s) => s.Trim().Trim('"', '“', '”', '.', ',', ';', ':').Trim();
    private static string Singular(string name) => name.Trim().ToLowerInvariant() is var n && n.EndsWith('s') ? n[..^1] : name.Trim().ToLowerInvariant();
    private static string Shorten(string s) => s.Length > 300 ? s[..297] + "…" : s;
}
