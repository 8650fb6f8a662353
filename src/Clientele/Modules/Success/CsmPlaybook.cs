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
    /// <summary>Seed 003's pgvector VECTOR, stored as real[] (pgvector is not installed everywhere).</summary>
    public float[]? Embedding { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
