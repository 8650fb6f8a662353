using Clientele.Platform.Database;

namespace Clientele.Modules.Sales;

/// <summary>The last quote number an organization allocated in a year (gapless numbering, migration 0085).</summary>
[Table("quote_number_sequences")]
public sealed class QuoteNumberSequence : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public int Year { get; set; }
    public int LastNumber { get; set; }
}
