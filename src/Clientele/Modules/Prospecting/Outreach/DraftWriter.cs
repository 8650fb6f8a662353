using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Prospecting.Research;

namespace Clientele.Modules.Prospecting.Outreach;

/// <summary>A sentence of the draft and the fact it rests on.</summary>
public sealed record Citation(string Quote, Fact Fact)
{
    public JsonObject ToJson() => new() { ["quote"] = Quote, ["fact"] = Fact.Key, ["text"] = Fact.Text, ["source"] = Fact.Source.ToJson() };
}

/// <summary>A written draft: subject (none for LinkedIn), body and its citations.</summary>
public sealed record WrittenDraft(string? Subject, string Body, IReadOnlyList<Citation> Citations)
{
    public JsonArray CitationsJson() => new(Citations.Select(c => (JsonNode)c.ToJson()).ToArray());
}

/// <summary>
/// The built-in writer: every sentence that states something about the prospect is built from one
/// fact and cited with it (the quote is the sentence as it appears in the body), so a reviewer sees
/// where each claim came from. An event invitation leads with the event's date, place and featured
/// solutions; a LinkedIn message keeps to three short sentences.
/// </summary>
public static class DraftWriter
{
    public static WrittenDraft Write(string draftType, ProspectFacts p, FactSheet sheet, IReadOnlyList<Recommendation> ranked, EventFact? ev, Fact? eventFact)
    {
        var lines = new List<(string Text, Fact? Fact)>();
        var top = ranked.FirstOrDefault();
        var lastTouch = p.Interactions.FirstOrDefault();
        Fact? F(FactSource source) => sheet.Facts.FirstOrDefault(f => f.Source == source);
        Fact? FTable(string table, Guid id) => sheet.Facts.FirstOrDefault(f => f.Source.Table == table && f.Source.Id == id);

        if (lastTouch is not null && FTable("interactions", lastTouch.Id) is { } touch)
            lines.Add(($"Thanks again for the {FactSheet.Label(lastTouch.Type)} about \"{lastTouch.Subject}\" on {FactSheet.Day(lastTouch.Date)}.", touch));
        else if (p.JobTitle is { Length: > 0 } title && F(new FactSource("prospects", p.ProspectId, "job_title")) is { } role)
            lines.Add(($"As {title} at {p.Company}, you know how much of the customer experience now happens in messages.", role));

        if (draftType == "event_invitation" && ev is not null && eventFact is not null)
        {
            var featured = ev.SolutionsFeatured.Count > 0 ? $", where we will show {Join(ev.SolutionsFeatured)}" : "";
            lines.Add(($"We would like to invite you to the {ev.Type} in {ev.Location} on {Day(ev.Date)}{featured}.", eventFact));
        }
        if (F(new FactSource("companies", p.CompanyId, "size")) is { } company && draftType != "linkedin_message")
            lines.Add(($"Teams like {p.Company}, {p.Industry} companies with {p.Size} employees, are who we build for.", company));
        if (top is not null)
        {
            if (top.Solution.IndustrySolutionId is { } link && FTable("industry_solutions", link) is { } industry)
                lines.Add(($"{top.Solution.Name} is made for {p.Industry}: {Lower(top.Solution.Description)}", industry));
            if (top.Matches.FirstOrDefault() is { } m && sheet.Facts.FirstOrDefault(f => f.Source == m.Source && f.Text.Contains(m.Term, StringComparison.Ordinal)) is { } said)
                lines.Add(($"You mentioned \"{m.Term}\", which is exactly what {top.Solution.Name} handles.", said));
        }
        if (draftType != "event_invitation" && ev is not null && eventFact is not null)
            lines.Add(($"We will also be at the {ev.Type} in {ev.Location} on {Day(ev.Date)}.", eventFact));

        if (draftType == "linkedin_message") lines = lines.Take(2).ToList();
        var ask = draftType switch
        {
            "event_invitation" => ("Would you like to meet us there? Reply and I will save you a slot.", (Fact?)null),
            "linkedin_message" => ("Open to a short chat?", (Fact?)null),
            _ => ("Would a 20-minute call next week be useful?", (Fact?)null),
        };
        lines.Add(ask);

        var body = new StringBuilder();
        body.Append("Hi ").Append(p.FirstName).Append(',').Append(draftType == "linkedin_message" ? " " : "\n\n");
        body.Append(string.Join(draftType == "linkedin_message" ? " " : "\n\n", lines.Select(l => l.Text)));
        if (draftType != "linkedin_message") body.Append("\n\nBest regards");
        var citations = lines.Where(l => l.Fact is not null).Select(l => new Citation(l.Text, l.Fact!)).ToList();
        return new WrittenDraft(Subject(draftType, p, top, ev), body.ToString(), citations);
    }

    private static string? Subject(string draftType, ProspectFacts p, Recommendation? top, EventFact? ev) => draftType switch
    {
        "linkedin_message" => null,
        "event_invitation" when ev is not null => $"Invitation: {Capital(ev.Type)} in {ev.Location} on {Day(ev.Date)}",
        _ => top is not null ? $"{top.Solution.Name} for {p.Company}" : $"An idea for {p.Company}",
    };

    private static string Day(DateTime d) => d.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);
    private static string Join(IReadOnlyList<string> items) => items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Lower(string s)
    {
        var t = s.Trim();
        if (t.Length == 0) return t;
        t = t.Length > 1 && char.IsUpper(t[0]) && !char.IsUpper(t[1]) ? char.ToLowerInvariant(t[0]) + t[1..] : t;
        return ".!?".Contains(t[^1]) ? t : t + ".";
    }
}
