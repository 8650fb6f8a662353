using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>A CSV import: its table, mapping, progress and per-row errors (migration 0086).</summary>
[Table("imports")]
public sealed class Import : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string TableName { get; set; } = "";
    public string? FileName { get; set; }
    public bool DryRun { get; set; }
    public string Status { get; set; } = "running";
    [ColumnType("jsonb")] public string Mapping { get; set; } = "{}";
    public int TotalRows { get; set; }
    public int ProcessedRows { get; set; }
    public int CreatedCount { get; set; }
    public int UpdatedCount { get; set; }
    public int ErrorCount { get; set; }
    [ColumnType("jsonb")] public string Errors { get; set; } = "[]";
    public string? Failure { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}
