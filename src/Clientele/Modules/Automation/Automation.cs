using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>An automation described in natural language and run as steps (seed 003).</summary>
[Table("automations")]
public sealed class Automation : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Type { get; set; } = "";
    public string? NlDescription { get; set; }
    [ColumnType("jsonb")] public string Steps { get; set; } = "[]";
    [ColumnType("jsonb")] public string? Schedule { get; set; }
    [ColumnType("jsonb")] public string? Trigger { get; set; }
    [ColumnType("jsonb")] public string? Scope { get; set; }
    public bool Enabled { get; set; } = true;
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
