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
public sealed partial record RecordSection(string Key, string Title, IReadOnlyList<string> Columns, IReadOnlyList<RecordRow> Rows, string Empty)
{
    /// <summary>
    /// How a cell may wrap so a section's table fits its card: dates and phone numbers stay on one line
    /// ("nowrap"; they would break at their hyphens), long text may break anywhere ("wrap": an email
    /// address is one unbreakable word otherwise), everything else wraps at spaces.
    /// </summary>
    public static string? CellClass(string? value) => value switch
    {
        null => null,
        { Length: <= 20 } when DateOrPhone().IsMatch(value) => "nowrap",
        { Length: > 16 } => "wrap",
        _ => null,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^\+?[0-9][0-9 ()./:+-]*$")]
    private static partial System.Text.RegularExpressions.Regex DateOrPhone();
}

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
