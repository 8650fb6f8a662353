namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// The logical agents of a conversation (seed 000: agent_handoffs.from_agent/to_agent,
/// conversations.agents_involved) and which one owns each intent.
/// </summary>
public static class Specialists
{
    public const string Router = "router";
    public const string Sales = "sales";
    public const string Billing = "billing";
    public const string Technical = "technical";
    public const string Success = "success";
    public const string General = "general";
    /// <summary>Not an AI agent: the organization's people, after an escalation.</summary>
    public const string Human = "human";

    public static readonly IReadOnlyList<string> All = [Router, Sales, Billing, Technical, Success, General];

    /// <summary>The specialist for an intent, or null when the intent belongs to nobody (greeting, other).</summary>
    public static string? ForIntent(string intent) => intent switch
    {
        "pricing" or "demo" => Sales,
        "billing" or "cancellation" => Billing,
        "technical" or "support" => Technical,
        "complaint" => Success,
        _ => null,
    };

    /// <summary>Whether an intent asks for something (as opposed to greetings and small talk).</summary>
    public static bool IsQuestion(string intent) => ForIntent(intent) is not null;

    /// <summary>What the specialist is for, added to the agent's prompt (the model reads it as its role).</summary>
    public static string Persona(string specialty) => specialty switch
    {
        Router => "You are the front desk: greet people, understand what they need and answer general questions briefly.",
        Sales => "You are the sales specialist: answer questions about plans, prices and demos, and move interested buyers towards a demo.",
        Billing => "You are the billing specialist: answer questions about invoices, payments, refunds and cancellations. Never promise a refund, credit or discount yourself: a person confirms those.",
        Technical => "You are the technical support specialist: help with setup, integrations and errors, step by step.",
        Success => "You are the customer success specialist: listen to complaints, apologize sincerely and make sure the customer feels heard and helped.",
        _ => "You are a helpful assistant for the company's customers.",
    };
}
