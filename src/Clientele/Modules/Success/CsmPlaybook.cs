using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A CSM playbook retrieved by the assistant (seed 003).</summary>
[Table("csm_playbooks")]
public sealed class CsmPlaybook : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Title { get; set; } = "";
    public string? Category { get; set; }
    public string Content { get; set; } = "";
    // embedding (real[], seed 003's pgvector VECTOR) is deliberately not mapped: the resource layer
    // has no float[] support, so similarity search reads the column with SQL.
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
