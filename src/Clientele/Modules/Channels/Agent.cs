using Clientele.Platform.Database;

namespace Clientele.Modules.Channels;

/// <summary>The AI sales agent answering on one phone number (seed 001).</summary>
[Table("agents")]
public sealed class Agent : ITenantEntity
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public Guid PhoneNumberId { get; set; }
    public string PromptId { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;
    /// <summary>Who answers first: router | sales | billing | technical | success | general (migration 0024, docs/ai.md "Agents").</summary>
    public string Specialty { get; set; } = "router";
    /// <summary>builtin | openai; null: the organization's Ai__Provider.</summary>
    public string? Provider { get; set; }
    /// <summary>null: the provider's default model.</summary>
    public string? Model { get; set; }
    public decimal? Temperature { get; set; }
    /// <summary>knowledge_search, handoff, verify, escalate, book_meeting.</summary>
    public string[] Tools { get; set; } = ["knowledge_search", "handoff", "verify", "escalate"];
    /// <summary>Questions understood with less intent confidence than this go to a human.</summary>
    public decimal EscalationConfidence { get; set; } = 0.30m;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public Guid? CreatedBy { get; set; }
}
