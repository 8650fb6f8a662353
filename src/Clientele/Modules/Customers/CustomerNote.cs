using Clientele.Platform.Database;

namespace Clientele.Modules.Customers;

/// <summary>A note an employee wrote about a customer.</summary>
[Table("customer_notes")]
public sealed class CustomerNote : AuditedEntity
{
    public Guid CustomerId { get; set; }
    public string NoteType { get; set; } = "general";
    public string Content { get; set; } = "";
    public bool IsInternal { get; set; } = true;
    public string Visibility { get; set; } = "team";
    public Guid? AuthorId { get; set; }
    [ColumnType("jsonb")] public string? ExtraMetadata { get; set; }
}
