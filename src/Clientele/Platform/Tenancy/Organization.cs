using Clientele.Platform.Database;

namespace Clientele.Platform.Tenancy;

/// <summary>The tenant (seed 002's organizations plus seed 001's tenant `users`).</summary>
[Table("organizations")]
public sealed class Organization : IEntity
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string? Subdomain { get; set; }
    public string Plan { get; set; } = "free";
    public string PlanStatus { get; set; } = "trialing";
    public string? Email { get; set; }
    public string? CompanyName { get; set; }
    public int? MaxUsers { get; set; }
    public int? MaxAgents { get; set; }
    public int? MaxMessages { get; set; }
    public long? MaxStorage { get; set; }
    [ColumnType("jsonb")] public string Settings { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? DeletedAt { get; set; }
    public Guid? DeletedBy { get; set; }
    /// <summary>Set by platform staff (back office): the API answers 403 and webhooks are parked.</summary>
    public DateTime? SuspendedAt { get; set; }
    public string? SuspendedReason { get; set; }
}
