using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Sales.Extraction;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// The lead.extraction / extract model call: the conversation as user and assistant messages after
/// a system message asking for one JSON object (response format JSON, temperature 0). The built-in
/// engine reads the same call as its "extract" task and answers its conversation analysis
/// (AnalysisJson); a model answers the shape below. The conversation's agent picks provider and model.
/// </summary>
public static class ExtractionPrompt
{
    public const string Workflow = "lead.extraction";
    public const string Node = "extract";

    public const string Instructions = """
        You qualify a sales lead from a chat between a company's assistant and a potential buyer. Read what the CUSTOMER wrote
        (user messages); ignore what the assistant said. Answer with one JSON object and nothing else:
        {"name": string|null, "email": string|null, "company": string|null, "seats": integer|null,
         "intent": "one short sentence: what they want, e.g. Wants a demo for 200 agents",
         "intent_level": "Low"|"Medium"|"High", "urgency_level": "Low"|"Medium"|"High",
         "budget_constraint": "Yes"|"No"|"Maybe", "fit_alignment": "Low"|"Medium"|"High", "engagement_health": "Low"|"Medium"|"High",
         "requests": ["pricing"|"demo"|"followup"|"sample"|"website"|"human", ...],
         "reasons": {"intent": string, "urgency": string, "budget": string, "fit": string, "engagement": string},
         "evidence": {"intent": string|null, "urgency": string|null, "budget": string|null, "fit": string|null, "engagement": string|null}}
        intent_level: High = asked for a demo or a quote for a team; Medium = asked about pricing or the product; Low = no buying signal.
        urgency_level: High = urgent, asap, needs it now or this week; Medium = soon or a near date; Low = no time pressure.
        budget_constraint: Yes = they have or approved a budget; No = no budget; Maybe = pending, unclear or not discussed.
        fit_alignment: High = a team of 20+ (or 5+ at a named company); Medium = a smaller team or only the company known; Low = 1-4 people or nothing known.
        engagement_health: High = several messages and shared details; Medium = some; Low = one terse message.
        requests: what they asked for or clicked (pricing, a demo, a follow-up, a sample or trial, the website, a human).
        evidence: copy the customer's exact words (one sentence) that show each level; null when nothing shows it. Use null for unknown values.
        """;

    public static AiCall Call(ConversationSnapshot c)
    {
        var messages = new List<AiMessage> { new(ChatRole.System, Instructions) };
        foreach (var line in c.Lines)
            messages.Add(new AiMessage(line.Role == "user" ? ChatRole.User : ChatRole.Assistant, line.Text) { CreatedAt = line.At });
        var now = c.CustomerLines.LastOrDefault()?.At ?? DateTimeOffset.UtcNow;
        var properties = new AdditionalPropertiesDictionary
        {
            [BuiltInChatClient.TaskProperty] = BuiltInChatClient.ExtractTask,
            [BuiltInChatClient.NowProperty] = now,
        };
        if (c.AgentProvider is { Length: > 0 } provider) properties["provider"] = provider;
        return new AiCall(Workflow, Node, messages, new ChatOptions
        {
            ModelId = c.AgentModel,
            Temperature = 0,
            ResponseFormat = ChatResponseFormat.Json,
            AdditionalProperties = properties,
        });
    }
}
