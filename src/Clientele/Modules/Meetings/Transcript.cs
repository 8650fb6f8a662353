using Clientele.Platform.Database;

namespace Clientele.Modules.Meetings;

/// <summary>The transcript of a meeting (seed 003).</summary>
[Table("transcripts")]
public sealed class Transcript : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid MeetingId { get; set; }
    public string Content { get; set; } = "";
    /// <summary>Seconds.</summary>
    public int? Duration { get; set; }
    [ColumnType("jsonb")] public string? Speakers { get; set; }
    public int? WordCount { get; set; }
    public string? Language { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
}
