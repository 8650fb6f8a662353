using Clientele.Platform.Database;

namespace Clientele.Modules.Success;

/// <summary>An uploaded contract's file (PDF or text), stored in PostgreSQL and counted against max_storage.</summary>
[Table("contract_files")]
public sealed class ContractFile : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid ContractId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }
    public byte[] Data { get; set; } = [];
    public DateTime CreatedAt { get; set; }
}
