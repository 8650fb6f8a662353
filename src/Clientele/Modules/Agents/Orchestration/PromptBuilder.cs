using System.Text;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Agents.Orchestration;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// The messages and options of an agent.reply call, in the engine's conventions (docs/ai.md):
/// a system message with the agent's prompt (AgentPersonas, by prompt_id) refined by the speaking
/// specialist's role; the knowledge passages as the system message KnowledgePrompt.Format makes;
/// the last messages of the conversation; then the customer's message. The options carry the
/// agent's model, temperature and provider, and for the built-in engine the specialist's persona,
/// the customer's and agent's names and the message time.
/// </summary>
public static class PromptBuilder
{
    public static List<AiMessage> Build(TurnContext ctx, string speaker, string? customerName, IReadOnlyList<KnowledgeHit> hits, string customerText)
    {
        var system = new StringBuilder(AgentPersonas.SystemPrompt(PersonaFor(ctx.Agent, speaker), ctx.Agent.Name))
            .Append(' ').AppendLine(Specialists.Persona(speaker))
            .AppendLine($"Specialty: {speaker}");
        if (!string.IsNullOrWhiteSpace(ctx.Company)) system.AppendLine($"Company: {ctx.Company}");
        system.AppendLine($"Channel: {ctx.Channel}");
        if (!string.IsNullOrWhiteSpace(customerName)) system.AppendLine($"Customer name: {customerName}");
        if (ctx.Agent.Instructions is { } instructions) system.AppendLine(instructions);
        var messages = new List<AiMessage> { new(ChatRole.System, system.ToString().TrimEnd()) };
        if (hits.Count > 0) messages.Add(new AiMessage(ChatRole.System, KnowledgePrompt.Format(hits)));
        messages.AddRange(ctx.History.Select(h => new AiMessage(h.Role == "assistant" ? ChatRole.Assistant : ChatRole.User, h.Content)));
        messages.Add(new AiMessage(ChatRole.User, customerText) { CreatedAt = ctx.MessageTime });
        return messages;
    }

    /// <summary>The agent's prompt while it speaks itself; a specialist's built-in prompt when one has the conversation.</summary>
    public static string PersonaFor(AgentProfile agent, string speaker) => speaker switch
    {
        Specialists.Sales when AgentPersonas.For(agent.PromptId) != AgentPersonas.SalesDefault => AgentPersonas.SalesDefault.Key,
        Specialists.Billing => AgentPersonas.Billing.Key,
        Specialists.Technical => AgentPersonas.Technical.Key,
        Specialists.Success => AgentPersonas.Success.Key,
        _ => agent.PromptId,
    };

    /// <summary>The agent's per-call options: model, temperature, provider (read by AiGateway), and the built-in engine's reply options.</summary>
    public static ChatOptions Options(AgentProfile agent, string speaker, string? customerName, DateTimeOffset now)
    {
        var properties = new AdditionalPropertiesDictionary
        {
            [BuiltInChatClient.TaskProperty] = BuiltInChatClient.ReplyTask,
            [BuiltInChatClient.PromptIdProperty] = PersonaFor(agent, speaker),
            [BuiltInChatClient.AgentNameProperty] = agent.Name,
            [BuiltInChatClient.NowProperty] = now,
        };
        if (!string.IsNullOrWhiteSpace(customerName)) properties[BuiltInChatClient.CustomerNameProperty] = customerName;
        if (agent.Provider is { } provider) properties["provider"] = provider;
        return new ChatOptions { ModelId = agent.Model, Temperature = agent.Temperature is { } t ? (float)t : null, AdditionalProperties = properties };
    }

    /// <summary>Model, temperature and provider only (the verifier's call).</summary>
    public static ChatOptions ModelOptions(AgentProfile agent) => new()
    {
        ModelId = agent.Model,
        Temperature = agent.Temperature is { } t ? (float)t : null,
        AdditionalProperties = agent.Provider is { } provider ? new AdditionalPropertiesDictionary { ["provider"] = provider } : null,
    };

    public static bool IsBuiltIn(ChatOptions? options, IAiGateway gateway) =>
        (options?.AdditionalProperties?.TryGetValue("provider", out var p) == true ? p?.ToString() : gateway.Provider) == "builtin";

    /// <summary>The same options sent to the built-in engine (its own model).</summary>
    public static ChatOptions BuiltIn(ChatOptions? options)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = null;
        var properties = copy.AdditionalProperties?.Clone() ?? new AdditionalPropertiesDictionary();
        properties["provider"] = "builtin";
        copy.AdditionalProperties = properties;
        return copy;
    }
}
