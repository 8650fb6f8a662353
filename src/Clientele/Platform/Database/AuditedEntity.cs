namespace Clientele.Platform.Database;

/// <summary>A tenant row with the seeds' "timestamps + audit trail" columns (soft delete).</summary>
public abstract class AuditedEntity : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTime? DeletedAt { get; set; }
    public Guid? DeletedBy { get; set; }
}
