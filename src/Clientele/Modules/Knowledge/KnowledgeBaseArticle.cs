using Clientele.Platform.Database;

namespace Clientele.Modules.Knowledge;

/// <summary>A knowledge base article (seed 003).</summary>
[Table("knowledge_base")]
public sealed class KnowledgeBaseArticle : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string Title { get; set; } = "";
    public string Content { get; set; } = "";
    public string? Category { get; set; }
    public string[] Tags { get; set; } = [];
    public bool IsPublic { get; set; }
    public int ViewCount { get; set; }
    public int HelpfulCount { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
