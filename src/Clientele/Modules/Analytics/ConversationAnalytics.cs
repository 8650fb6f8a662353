using Clientele.Platform.Database;

namespace Clientele.Modules.Analytics;

/// <summary>Daily conversation rollup per channel (NULL channel = all channels) (seed 000).</summary>
[Table("conversation_analytics")]
public sealed class ConversationAnalytics : AuditedEntity
{
    public DateOnly Date { get; set; }
    /// <summary>NULL: all channels together.</summary>
    public string? Channel { get; set; }
    public int TotalConversations { get; set; }
    public int ResolvedConversations { get; set; }
    public int EscalatedConversations { get; set; }
    public int? AvgResolutionTimeSeconds { get; set; }
    public double? AvgSentiment { get; set; }
    public double? AvgCsat { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
