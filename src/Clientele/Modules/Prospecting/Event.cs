using Clientele.Platform.Database;

namespace Clientele.Modules.Prospecting;

/// <summary>A sales event (conference, webinar, ...) used for outreach (seed 004).</summary>
[Table("events")]
public sealed class Event : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public string EventType { get; set; } = "";
    public DateTime EventDate { get; set; }
    public string Description { get; set; } = "";
    public string Location { get; set; } = "";
    [ColumnType("jsonb")] public string? TargetIndustries { get; set; }
    [ColumnType("jsonb")] public string? TargetRoles { get; set; }
    [ColumnType("jsonb")] public string? SolutionsFeatured { get; set; }
    public string Status { get; set; } = "planned";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
