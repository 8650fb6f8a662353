using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>A customer's upcoming renewal with its checklist (seed 003).</summary>
[Table("renewal_pipeline")]
public sealed class RenewalPipelineEntry : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid CustomerId { get; set; }
    public DateOnly RenewalDate { get; set; }
    public decimal? CurrentArr { get; set; }
    public decimal? ProposedArr { get; set; }
    public int? Probability { get; set; }
    public string Stage { get; set; } = "identified";
    [ColumnType("jsonb")] public string RiskFactors { get; set; } = "[]";
    public decimal? ExpansionPotential { get; set; }
    public bool ChampionEngaged { get; set; }
    public bool ExecSponsorEngaged { get; set; }
    public bool QbrCompleted { get; set; }
    public bool ValueSummarySent { get; set; }
    public bool ProposalSent { get; set; }
    public bool VerbalCommit { get; set; }
    public bool ContractSigned { get; set; }
    public string? Notes { get; set; }
    public Guid? OwnerId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}
