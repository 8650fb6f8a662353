using Clientele.Platform.Database;

namespace Clientele.Modules.Meetings;

/// <summary>A meeting: seed 001's demo booked from a chat merged with seed 003's CSM meetings.</summary>
[Table("meetings")]
public sealed class Meeting : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? CustomerId { get; set; }
    public Guid? ConversationId { get; set; }
    public Guid? SessionId { get; set; }
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string[] Participants { get; set; } = [];
    [ColumnType("jsonb")] public string? Attendees { get; set; }
    [ColumnType("jsonb")] public string? Agenda { get; set; }
    public DateTime ScheduledAt { get; set; }
    public int DurationMinutes { get; set; } = 30;
    public string? Timezone { get; set; }
    public string? MeetingUrl { get; set; }
    public string? CalendarEventId { get; set; }
    public string Status { get; set; } = "scheduled";
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
