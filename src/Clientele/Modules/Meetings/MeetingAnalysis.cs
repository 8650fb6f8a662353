using Clientele.Platform.Database;

namespace Clientele.Modules.Meetings;

/// <summary>The AI analysis of a meeting or pasted transcript (seed 003).</summary>
[Table("meeting_analyses")]
public sealed class MeetingAnalysis : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? MeetingId { get; set; }
    public Guid? CustomerId { get; set; }
    public string? Summary { get; set; }
    public string? OverallSentiment { get; set; }
    public int? SentimentScore { get; set; }
    [ColumnType("jsonb")] public string? ActionItems { get; set; }
    [ColumnType("jsonb")] public string? Commitments { get; set; }
    [ColumnType("jsonb")] public string? FollowUps { get; set; }
    [ColumnType("jsonb")] public string? RiskSignals { get; set; }
    public string? RiskLevel { get; set; }
    [ColumnType("jsonb")] public string? ExpansionSignals { get; set; }
    public string? ExpansionPotential { get; set; }
    [ColumnType("jsonb")] public string? StakeholderInsights { get; set; }
    [ColumnType("jsonb")] public string? CompetitorMentions { get; set; }
    public int? Confidence { get; set; }
    public DateTime AnalyzedAt { get; set; }
}
