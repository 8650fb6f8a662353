using Clientele.Platform.Database;

namespace Clientele.Modules.Automation;

/// <summary>A rule that fires actions when its condition matches a customer event (seed 003).</summary>
[Table("triggers")]
public sealed class Trigger : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid? UserId { get; set; }
    /// <summary>NULL: applies to every customer.</summary>
    public Guid? CustomerId { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Type { get; set; } = "";
    [ColumnType("jsonb")] public string Condition { get; set; } = "{}";
    [ColumnType("jsonb")] public string Actions { get; set; } = "[]";
    public int CooldownMinutes { get; set; }
    public int? MaxFiresPerDay { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTime? LastFiredAt { get; set; }
    public int FireCount { get; set; }
    [ColumnType("jsonb")] public string? Metadata { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
