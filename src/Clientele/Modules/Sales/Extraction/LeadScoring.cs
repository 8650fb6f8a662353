using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// The deterministic scoring of a conversation (docs/ai.md, "Lead extraction and booking"): the
/// built-in engine reads every customer sentence, and these rules turn what it found into seed
/// 001's five 1-3 scores, each with the sentences it rests on. The built-in provider's extraction
/// is this; a model's extraction falls back to it for anything the model leaves out.
/// </summary>
public static partial class LeadScoring
{
    public const int HotFrom = 12, WarmFrom = 8;

    /// <summary>Hot 12-15, Warm 8-11, Cold 5-7.</summary>
    public static string Tag(int total) => total >= HotFrom ? "Hot" : total >= WarmFrom ? "Warm" : "Cold";

    public static int LevelScore(string level) => level switch { "High" => 3, "Medium" => 2, _ => 1 };

    /// <summary>Budget Yes (they have one) 3, Maybe (pending, unclear, or not discussed yet) 2, No 1.</summary>
    public static int BudgetScore(string budget) => budget switch { "Yes" => 3, "No" => 1, _ => 2 };

    /// <summary>leads.lead_score: total_score 5-15 mapped linearly onto 0-100 (5 → 0, 10 → 50, 15 → 100).</summary>
    public static int LeadScore(int total) => Math.Clamp((total - 5) * 10, 0, 100);

    /// <summary>leads.qualification_status while the AI owns it: Hot → sql, Warm → mql, Cold → new.</summary>
    public static string Qualification(string tag) => tag switch { "Hot" => "sql", "Warm" => "mql", _ => "new" };

    public static LeadReading Score(ConversationSnapshot c, IReadOnlyList<Quote> quotes, MessageAnalysis merged)
    {
        var e = merged.Entities;
        var ctas = CtaDetector.Detect(c, quotes);
        // "Maria" in the chat and "Maria Lopez" on the profile are the same person: keep the fuller name.
        var name = e.Name is { } said && c.CustomerName?.StartsWith(said + " ", StringComparison.OrdinalIgnoreCase) == true ? c.CustomerName : e.Name ?? c.CustomerName;
        var email = e.Email ?? c.CustomerEmail;
        var phone = e.Phone ?? (c.Channel == "whatsapp" && c.CustomerPhone.Length > 0 ? "+" + c.CustomerPhone.TrimStart('+') : null);
        return new LeadReading(name, email, e.Company, phone, e.Seats, merged.Intent, Describe(merged.Intent, e.Seats, quotes),
            IntentLevel(quotes, ctas, e.Seats), Urgency(quotes), Budget(quotes), Fit(quotes, e), Engagement(c, quotes, ctas, e),
            ctas, "builtin", []);
    }

    /// <summary>
    /// High: asked for a demo (in words or with a button), or for pricing with a team size. Medium: a
    /// pricing or product question, a pricing click, or a team size. Low: no buying signal yet.
    /// </summary>
    internal static Dimension IntentLevel(IReadOnlyList<Quote> quotes, IReadOnlyDictionary<string, CtaFlag> ctas, int? seats)
    {
        var demo = ctas[CtaDetector.Demo];
        if (demo.Yes) return new("High", 3, demo.Source == "button" ? "clicked the demo button" : "asked for a demo", Evidence(demo.Evidence));
        var pricing = quotes.FirstOrDefault(q => q.Analysis.Intent == "pricing");
        var seatsSaid = quotes.FirstOrDefault(q => q.Analysis.Entities.Seats is not null);
        if (pricing is not null && seats is not null)
            return new("High", 3, $"asked about pricing for {seats} seats", Evidence(pricing.Text, seatsSaid?.Text));
        if (pricing is not null) return new("Medium", 2, "asked about pricing", Evidence(pricing.Text));
        if (ctas[CtaDetector.Pricing].Yes) return new("Medium", 2, "clicked the pricing button", Evidence(ctas[CtaDetector.Pricing].Evidence));
        if (quotes.FirstOrDefault(q => q.Analysis.Intent is "technical" or "support") is { } product)
            return new("Medium", 2, "asked about the product", Evidence(product.Text));
        if (seatsSaid is not null) return new("Medium", 2, $"said {seats} people would use it", Evidence(seatsSaid.Text));
        return new("Low", 1, "no buying signal yet", []);
    }

    private static readonly string[] UrgencyOrder = ["low", "medium", "high", "critical"];

    /// <summary>The most urgent sentence: critical or high → High, medium (soon, this week, a problem) → Medium; a proposed date within 7 days is at least Medium.</summary>
    internal static Dimension Urgency(IReadOnlyList<Quote> quotes)
    {
        var top = quotes.OrderByDescending(q => Array.IndexOf(UrgencyOrder, q.Analysis.Urgency)).ThenBy(q => q.Message.At).FirstOrDefault();
        var level = top is null ? 0 : Array.IndexOf(UrgencyOrder, top.Analysis.Urgency);
        if (level >= 2) return new("High", 3, $"says it is urgent ({top!.Analysis.Urgency} urgency)", Evidence(top.Text));
        if (level == 1) return new("Medium", 2, "wants it soon", Evidence(top!.Text));
        var soon = quotes.FirstOrDefault(q => q.Analysis.Entities.DateTimes?.Any(t => t > q.Message.At && t <= q.Message.At.AddDays(7)) == true);
        if (soon is not null) return new("Medium", 2, "proposed a time within a week", Evidence(soon.Text));
        return new("Low", 1, "no time pressure mentioned", []);
    }

    /// <summary>The latest thing said about budget: Yes 3, Maybe 2, No 1; nothing said yet counts as Maybe (nothing rules it out).</summary>
    internal static Dimension Budget(IReadOnlyList<Quote> quotes)
    {
        var said = quotes.LastOrDefault(q => q.Analysis.Entities.Budget is not null);
        if (said is null) return new("Maybe", 2, "budget not discussed yet", []);
        var b = said.Analysis.Entities;
        var amount = b.BudgetAmount is { } a ? $" ({b.BudgetCurrency ?? ""} {a:0.##})".Replace("( ", "(") : "";
        return b.Budget switch
        {
            "Yes" => new("Yes", 3, "has budget" + amount, Evidence(said.Text)),
            "No" => new("No", 1, "has no budget", Evidence(said.Text)),
            _ => new("Maybe", 2, "budget not confirmed yet" + amount, Evidence(said.Text)),
        };
    }

    /// <summary>
    /// How well the buyer fits a team product. High: 20 or more seats, or 5+ with a company named. Low:
    /// fewer than 5 seats, or nothing known about company or team. Medium: 5-19 seats, a company, or a work email.
    /// </summary>
    internal static Dimension Fit(IReadOnlyList<Quote> quotes, ExtractedEntities e)
    {
        var seatsSaid = quotes.LastOrDefault(q => q.Analysis.Entities.Seats is not null)?.Text;
        var companySaid = quotes.LastOrDefault(q => q.Analysis.Entities.Company is not null)?.Text;
        if (e.Seats is >= 20) return new("High", 3, $"a team of {e.Seats}", Evidence(seatsSaid, companySaid));
        if (e.Seats is >= 5 && e.Company is not null) return new("High", 3, $"{e.Company}, a team of {e.Seats}", Evidence(seatsSaid, companySaid));
        if (e.Seats is < 5) return new("Low", 1, $"only {e.Seats} {(e.Seats == 1 ? "seat" : "seats")}", Evidence(seatsSaid));
        if (e.Seats is not null) return new("Medium", 2, $"a team of {e.Seats}", Evidence(seatsSaid));
        if (e.Company is not null) return new("Medium", 2, $"works at {e.Company} (team size unknown)", Evidence(companySaid));
        if (e.Email is { } email && !FreeMail().IsMatch(email)) return new("Medium", 2, "writes from a work email", Evidence(quotes.LastOrDefault(q => q.Analysis.Entities.Email is not null)?.Text));
        return new("Low", 1, "company and team size unknown", []);
    }

    /// <summary>
    /// Points: 3+ messages 2 (2 messages 1), volunteered name or company 1, gave an email or phone 1,
    /// clicked a button 1, booked a demo 2, strongly negative mood (mean sentiment ≤ -0.5) -1.
    /// High 3+, Medium 1-2, Low 0 or less.
    /// </summary>
    internal static Dimension Engagement(ConversationSnapshot c, IReadOnlyList<Quote> quotes, IReadOnlyDictionary<string, CtaFlag> ctas, ExtractedEntities e)
    {
        var messages = c.CustomerMessageCount;
        var points = messages >= 3 ? 2 : messages == 2 ? 1 : 0;
        var why = new List<string> { $"{messages} {(messages == 1 ? "message" : "messages")}" };
        var evidence = new List<string?>();
        var intro = quotes.FirstOrDefault(q => q.Analysis.Entities.Name is not null || q.Analysis.Entities.Company is not null);
        if (intro is not null) { points++; why.Add("introduced themselves"); evidence.Add(intro.Text); }
        var contact = quotes.FirstOrDefault(q => q.Analysis.Entities.Email is not null || q.Analysis.Entities.Phone is not null);
        if (contact is not null) { points++; why.Add("shared contact details"); evidence.Add(contact.Text); }
        if (c.CustomerLines.FirstOrDefault(l => l.Click is not null) is { } click) { points++; why.Add("clicked a button"); evidence.Add(click.Text); }
        if (c.DemoAt is not null) { points += 2; why.Add("booked a demo"); }
        if (quotes.Count > 0 && quotes.Average(q => q.Analysis.Sentiment) <= -0.5) { points--; why.Add("the mood is negative"); }
        var level = points >= 3 ? "High" : points >= 1 ? "Medium" : "Low";
        return new(level, LevelScore(level), string.Join(", ", why), Evidence([.. evidence]));
    }

    /// <summary>extractions.intent: "Wants a demo for 200 agents", "Asks about pricing", …</summary>
    internal static string Describe(string intent, int? seats, IReadOnlyList<Quote> quotes)
    {
        var what = intent switch
        {
            "demo" => "Wants a demo",
            "pricing" => "Asks about pricing",
            "technical" => "Has technical questions about the product",
            "support" => "Needs help with the product",
            "billing" => "Has a billing question",
            "cancellation" => "Wants to cancel",
            "complaint" => "Has a complaint",
            "greeting" => "Said hello; no request yet",
            _ => "General inquiry",
        };
        return seats is { } n && intent is "demo" or "pricing" ? $"{what} for {n} {SeatUnit(n, quotes)}" : what;
    }

    /// <summary>The word the buyer counted in ("200 agents" → agents), else "seats".</summary>
    internal static string SeatUnit(int seats, IReadOnlyList<Quote> quotes)
    {
        foreach (var q in quotes.Where(q => q.Analysis.Entities.Seats == seats))
            foreach (Match m in Counted().Matches(q.Text))
                if (int.TryParse(m.Groups["n"].Value.Replace(",", "").Replace(".", ""), out var n) && n == seats) return m.Groups["unit"].Value.ToLowerInvariant();
        return seats == 1 ? "seat" : "seats";
    }

    private static IReadOnlyList<string> Evidence(params string?[] quotes) =>
        quotes.Where(q => !string.IsNullOrWhiteSpace(q)).Select(q => CustomerQuotes.Cut(q!)).Distinct().ToList();

    [GeneratedRegex(@"(?<n>\d{1,3}(?:[,.]\d{3})+|\d+)\s+(?:[a-z-]+\s+)?(?<unit>agents|users|seats|licenses|licences|people|reps|members|operators|employees|salespeople|sellers)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Counted();

    [GeneratedRegex(@"@(gmail|googlemail|yahoo|hotmail|outlook|live|msn|icloud|me|aol|proton(mail)?|gmx|yandex|uol|bol|terra|zoho)\.", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FreeMail();
}
