using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Engine;

/// <summary>Name, e-mail, phone, company, seats, budget and dates/times in one message (see each part for what it reads).</summary>
internal static class EntityExtractor
{
    public static ExtractedEntities Extract(string text, DateTimeOffset now)
    {
        var email = ContactDetails.Email(text);
        var masked = BuiltInAnalyzer.MaskLinks(text);
        var folded = TextTokens.Fold(masked);
        var (dates, dateSpans) = DateTimeResolver.Resolve(folded, now);
        var budget = BudgetDetector.Detect(folded);
        return new ExtractedEntities(
            Name: PeopleAndCompanies.Name(masked),
            Email: email,
            Phone: ContactDetails.Phone(Blank(folded, dateSpans)),
            Company: PeopleAndCompanies.Company(masked),
            Seats: SeatCounter.Count(folded),
            Budget: budget?.Status,
            BudgetAmount: budget?.Amount,
            BudgetCurrency: budget?.Currency,
            DateTimes: dates.Count == 0 ? null : dates);
    }

    /// <summary>Dates and times blanked out so "2026-03-20 14:30" never reads as a phone number.</summary>
    private static string Blank(string s, List<DateTimeResolver.Span> spans)
    {
        if (spans.Count == 0) return s;
        var chars = s.ToCharArray();
        foreach (var span in spans)
            for (var i = span.Start; i < span.End && i < chars.Length; i++) chars[i] = ' ';
        return new string(chars);
    }
}
