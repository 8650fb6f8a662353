using Clientele.Modules.Agents.Ai;

namespace Clientele.Modules.Agents.Orchestration;

/// <summary>
/// The router's decision: which logical agent answers this message. With the 'handoff' tool the
/// message goes to the specialist for its intent (pricing/demo → sales, billing/cancellation →
/// billing, technical/support → technical, complaint → success); greetings and small talk stay
/// with whoever is speaking. A 'general' agent, or one without the tool, answers everything itself.
/// </summary>
public static class Router
{
    public static string Route(TurnContext ctx, MessageAnalysis a)
    {
        var agent = ctx.Agent;
        if (agent.Specialty == Specialists.General || !agent.Can("handoff")) return agent.Specialty;
        return Specialists.ForIntent(a.Intent) ?? ctx.CurrentSpeaker;
    }

    /// <summary>Why the conversation moves from one agent to another, for agent_handoffs.handoff_reason.</summary>
    public static string Reason(string from, string to, MessageAnalysis a) =>
        from == Specialists.Router
            ? $"{Cap(a.Intent)} intent detected ({a.IntentConfidence:0.00}): routed to {to}"
            : $"Topic changed from {from} to {a.Intent} ({a.IntentConfidence:0.00}): handed to {to}";

    private static string Cap(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
