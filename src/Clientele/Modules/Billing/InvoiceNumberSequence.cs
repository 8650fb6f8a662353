using Clientele.Platform.Database;

namespace Clientele.Modules.Billing;

/// <summary>The last invoice number an organization allocated in a year (gapless numbering).</summary>
[Table("invoice_number_sequences")]
public sealed class InvoiceNumberSequence : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public int Year { get; set; }
    public int LastNumber { get; set; }
}
