using System.Text.RegularExpressions;
using Clientele.Modules.Agents.Orchestration;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Seed 001's six CTA flags. A flag is Yes when the buyer clicked a matching button or list item
/// (messages.extra_metadata.cta, matched on its id and title) or asked for the same thing in words:
/// pricing ("send me your pricing", a pricing question), demo ("book a demo", a demo request),
/// followup ("call me back next week"), sample ("free trial", "a sample"), website ("link to your
/// site"), escalated_to_human (asked for a person, or the conversation went to one).
/// </summary>
public static partial class CtaDetector
{
    public const string Pricing = "pricing", Demo = "demo", Followup = "followup", Sample = "sample", Website = "website", Human = "escalated_to_human";
    public static readonly IReadOnlyList<string> Keys = [Pricing, Demo, Followup, Sample, Website, Human];

    /// <summary>The flag a button stands for, or null (checked in this order, so "Book a call" is a demo, not a follow-up).</summary>
    public static string? ForClick(CtaClick click)
    {
        var said = $"{click.Id} {click.Title}".Replace('_', ' ').Replace('-', ' ');
        if (DemoClick().IsMatch(said)) return Demo;
        if (PricingClick().IsMatch(said)) return Pricing;
        if (SampleClick().IsMatch(said)) return Sample;
        if (WebsiteClick().IsMatch(said)) return Website;
        if (HumanClick().IsMatch(said)) return Human;
        if (FollowupClick().IsMatch(said)) return Followup;
        return null;
    }

    public static Dictionary<string, CtaFlag> Detect(ConversationSnapshot c, IReadOnlyList<Quote> quotes)
    {
        var flags = Keys.ToDictionary(k => k, _ => CtaFlag.No);
        foreach (var line in c.CustomerLines)
            if (line.Click is { } click && ForClick(click) is { } key && !flags[key].Yes)
                flags[key] = new CtaFlag(true, "button", $"clicked \"{click.Title ?? click.Id}\"");
        void FromText(string key, Func<Quote, bool> asks)
        {
            if (flags[key].Yes) return;
            if (quotes.FirstOrDefault(asks) is { } q) flags[key] = new CtaFlag(true, "text", CustomerQuotes.Cut(q.Text));
        }
        FromText(Demo, q => (q.Analysis.Intent == "demo" && q.Message.Click is null) || DemoText().IsMatch(q.Text));
        FromText(Pricing, q => (q.Analysis.Intent == "pricing" && q.Message.Click is null) || PricingText().IsMatch(q.Text));
        FromText(Followup, q => FollowupText().IsMatch(q.Text));
        FromText(Sample, q => SampleText().IsMatch(q.Text));
        FromText(Website, q => WebsiteText().IsMatch(q.Text));
        FromText(Human, q => CustomerSignals.AsksForHuman(q.Text));
        if (!flags[Human].Yes && (c.Status == "escalated" || c.HandedToHuman))
            flags[Human] = new CtaFlag(true, "conversation", "the conversation was escalated to a person");
        return flags;
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    [GeneratedRegex(@"\b(demo|demonstra\w*|book|schedul\w*|meeting|call|agendar|reuni[aã]o|reuni[oó]n)\b", Options)]
    private static partial Regex DemoClick();
    [GeneratedRegex(@"\b(pric\w*|plans?|quote|cost|pre[cç]os?|precios?|planos?|cota[cç][aã]o|cotizaci[oó]n)\b", Options)]
    private static partial Regex PricingClick();
    [GeneratedRegex(@"\b(sample|trial|try|amostra|muestra|teste|prueba)\b", Options)]
    private static partial Regex SampleClick();
    [GeneratedRegex(@"\b(website|site|web|link|url|visit)\b", Options)]
    private static partial Regex WebsiteClick();
    [GeneratedRegex(@"\b(human|person|agent|talk|speak|atendente|humano|persona|asesor)\b", Options)]
    private static partial Regex HumanClick();
    [GeneratedRegex(@"\b(follow|later|remind|callback|contact|retorno|contato|contacto|despu[eé]s|depois)\b", Options)]
    private static partial Regex FollowupClick();

    [GeneratedRegex(@"\b(book|schedule|see|get|want|need|like|love|set\s+up|arrange|request|have)\s+(a\s+|an\s+|the\s+|your\s+)?(quick\s+|short\s+|live\s+|product\s+)?(demo|demonstration|walk\s?through)\b|\b(agendar|marcar|quero|queremos|quisiera|quiero)\s+(uma\s+|una\s+)?(demo|demonstra[cç][aã]o|demostraci[oó]n)\b", Options)]
    private static partial Regex DemoText();
    [GeneratedRegex(@"\b(send|share|email|give)\s+(me\s+|us\s+)?(the\s+|your\s+|a\s+)?(pric\w*|price\s+list|quote|proposal)\b|\b(how\s+much|what\s+does\s+it\s+cost|pricing|quanto\s+custa|cu[aá]nto\s+cuesta)\b", Options)]
    private static partial Regex PricingText();
    [GeneratedRegex(@"\b(follow[\s-]?up|call\s+me\s+(back|later|tomorrow|next\s+week)|get\s+back\s+to\s+me|contact\s+me\s+(later|tomorrow|next\s+week)|reach\s+out\s+(later|next\s+week)|remind\s+me|talk\s+(again\s+)?(later|next\s+week)|me\s+liga\s+depois|ll[aá]mame\s+despu[eé]s)\b", Options)]
    private static partial Regex FollowupText();
    [GeneratedRegex(@"\b(free\s+trial|trial\s+(account|period|version)|a\s+sample|samples|try\s+it\s+(out|for\s+free|first)|test\s+account|sandbox|proof\s+of\s+concept|poc|amostra|teste\s+gr[aá]tis|prueba\s+gratis|muestra)\b", Options)]
    private static partial Regex SampleText();
    [GeneratedRegex(@"\b(your\s+(website|site|web\s?page|homepage)|the\s+website|link\s+to|send\s+(me\s+)?(the\s+|a\s+)?link|landing\s+page|seu\s+site|su\s+(sitio|p[aá]gina))\b", Options)]
    private static partial Regex WebsiteText();
}
