using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A quarterly business review with a customer (seed 003).</summary>
[Table("qbrs")]
public sealed class Qbr : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public string Quarter { get; set; } = "";
    public DateOnly? ScheduledDate { get; set; }
    public DateOnly? CompletedDate { get; set; }
    public string Status { get; set; } = "planned";
    [ColumnType("jsonb")] public string? Attendees { get; set; }
    public bool ExecSponsorAttended { get; set; }
    public string? PresentationUrl { get; set; }
    public string? RecordingUrl { get; set; }
    public string? Summary { get; set; }
    [ColumnType("jsonb")] public string? Wins { get; set; }
    [ColumnType("jsonb")] public string? Challenges { get; set; }
    [ColumnType("jsonb")] public string? ActionItems { get; set; }
    public int? NpsScore { get; set; }
    public int? HealthScoreAtQbr { get; set; }
    public bool ExpansionDiscussed { get; set; }
    public bool RenewalDiscussed { get; set; }
    public Guid? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The draft assembled from the account's rows (QbrPreparer); what the deck shows.</summary>
    [ColumnType("jsonb")] public string? PreparedData { get; set; }
    public DateTime? PreparedAt { get; set; }
    public Guid? ReviewedBy { get; set; }
    public DateTime? ReviewedAt { get; set; }
    public DateTime? SharedAt { get; set; }
}
