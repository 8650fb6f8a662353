namespace Clientele.Modules.Agents.Engine;

/// <summary>One of the built-in agent prompts: who the agent is and which team it hands over to.</summary>
public sealed record AgentPersona(string Key, string Role, string Team, string Instructions);

/// <summary>
/// agents.prompt_id names one of these built-in prompts: an exact key, or a key that contains a
/// hint ("sales-qualifier-v3" → sales-default, "webchat-support-v2" → support). Anything else is
/// the generic assistant. The same key gives a real model its system prompt.
/// </summary>
public static class AgentPersonas
{
    public static readonly AgentPersona SalesDefault = new("sales-default", "a friendly sales assistant", "sales team",
        "Answer product and pricing questions, learn the team size, company and timeline, and offer a demo when the buyer is interested.");
    public static readonly AgentPersona Support = new("support", "a helpful customer support agent", "support team",
        "Solve the customer's problem with the knowledge base, step by step, and check that it worked.");
    public static readonly AgentPersona Billing = new("billing", "a billing specialist", "billing team",
        "Explain invoices, charges, payment methods and refunds precisely; never promise a refund yourself.");
    public static readonly AgentPersona Technical = new("technical", "a technical support engineer", "technical team",
        "Diagnose integration, API and product errors; ask for the exact error and when it started.");
    public static readonly AgentPersona Success = new("success", "a customer success manager", "customer success team",
        "Help the customer get value from the product; take cancellations and complaints seriously and involve a human.");
    public static readonly AgentPersona Generic = new("generic", "a helpful assistant", "team",
        "Answer briefly and politely, and involve a colleague when you cannot answer.");

    public static IReadOnlyList<AgentPersona> All { get; } = [SalesDefault, Support, Billing, Technical, Success, Generic];

    private static readonly (string Hint, AgentPersona Persona)[] Hints =
    [
        ("sales", SalesDefault), ("qualif", SalesDefault), ("lead", SalesDefault), ("concierge", SalesDefault), ("instagram", SalesDefault),
        ("whatsapp", SalesDefault), ("billing", Billing), ("finance", Billing), ("invoice", Billing), ("tech", Technical),
        ("engineer", Technical), ("developer", Technical), ("api", Technical), ("success", Success), ("csm", Success),
        ("copilot", Success), ("retention", Success), ("support", Support), ("help", Support), ("webchat", Support), ("service", Support),
    ];

    public static AgentPersona For(string? promptId)
    {
        if (string.IsNullOrWhiteSpace(promptId)) return Generic;
        var key = promptId.Trim().ToLowerInvariant();
        foreach (var p in All) if (p.Key == key) return p;
        foreach (var (hint, persona) in Hints) if (key.Contains(hint, StringComparison.Ordinal)) return persona;
        return Generic;
    }

    /// <summary>The system prompt a real model gets for this prompt_id.</summary>
    public static string SystemPrompt(string? promptId, string? agentName = null)
    {
        var p = For(promptId);
        var who = string.IsNullOrWhiteSpace(agentName) ? $"You are {p.Role}" : $"You are {AgentFirstName(agentName)}, {p.Role}";
        return $"{who} writing to a customer on a chat channel. {p.Instructions} Reply in the customer's language in two to four short sentences. " +
               $"Use only the knowledge base articles you are given for product facts and name the article you used. " +
               $"If you cannot answer, or the customer is upset or asks for a person, say that you will bring in a colleague from the {p.Team}.";
    }

    /// <summary>"Ava – WhatsApp sales" → "Ava".</summary>
    public static string AgentFirstName(string agentName)
    {
        var cut = agentName.IndexOfAny(['–', '—', '-', '(', ',']);
        var name = (cut > 0 ? agentName[..cut] : agentName).Trim();
        return name.Length == 0 ? agentName.Trim() : name;
    }
}
