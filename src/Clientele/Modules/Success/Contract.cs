using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A customer contract, uploaded and parsed (seed 003).</summary>
[Table("contracts")]
public sealed class Contract : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? CustomerId { get; set; }
    public string? FileUrl { get; set; }
    public string? FileName { get; set; }
    public string? RawText { get; set; }
    public string? CompanyName { get; set; }
    public decimal? Arr { get; set; }
    public string? ContractTerm { get; set; }
    public DateOnly? StartDate { get; set; }
    public DateOnly? EndDate { get; set; }
    public string Status { get; set; } = "pending";
    [ColumnType("jsonb")] public string? ParsedData { get; set; }
    [ColumnType("jsonb")] public string? PricingTerms { get; set; }
    [ColumnType("jsonb")] public string? TechnicalRequirements { get; set; }
    [ColumnType("jsonb")] public string? MissingInfo { get; set; }
    [ColumnType("jsonb")] public string? NextSteps { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
