namespace Clientele.Modules.Customers;

/// <summary>The header of the customer page.</summary>
public sealed record CustomerHeader(Guid Id, string? Name, string Email, string? Company, string? Plan, decimal? Mrr, decimal? Arr, int? HealthScore,
    decimal? ChurnRisk, DateOnly? RenewalDate, Guid? CsmId, string? CsmName, string? Stage, string? Segment, string? Industry, int? NpsScore)
{
    public string DisplayName => Name ?? Company ?? Email;
    public bool IsAtRisk => HealthScore < CustomersModule.AtRiskHealthBelow && ChurnRisk > CustomersModule.AtRiskChurnAbove;

    /// <summary>The health band in words (the page shows it beside the colour, so colour is never the only signal).</summary>
    public static string HealthBand(int? score) => score switch
    {
        null => "unknown",
        >= 70 => "healthy",
        >= 40 => "needs attention",
        _ => "at risk",
    };
}

/// <summary>A read-only table of one section: headings and rows of display text; Href (optional) links a row.</summary>
public sealed record RecordSection(string Key, string Title, IReadOnlyList<string> Columns, IReadOnlyList<RecordRow> Rows, string Empty);

public sealed record RecordRow(string? Href, IReadOnlyList<string?> Cells);

/// <summary>A point of a chart series.</summary>
public sealed record ChartPoint(DateOnly Date, decimal Value);

public sealed record CustomerNoteRow(Guid Id, DateTime CreatedAt, string NoteType, string Content, string? Author);

/// <summary>Everything the customer page shows except the timeline (which pages on its own).</summary>
public sealed record CustomerRecord(
    CustomerHeader Header,
    IReadOnlyList<RecordSection> Sections,
    IReadOnlyDictionary<string, IReadOnlyList<ChartPoint>> Usage,
    IReadOnlyList<ChartPoint> Health,
    IReadOnlyList<CustomerNoteRow> Notes)
{
    public RecordSection Section(string key) => Sections.First(s => s.Key == key);
}
