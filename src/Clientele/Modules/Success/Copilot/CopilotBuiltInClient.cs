using System.Runtime.CompilerServices;
using Clientele.Modules.Agents.Engine;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Success.Copilot;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// The built-in engine answering a copilot conversation (CopilotPrompt): reads the brief from the
/// system message and the last user message, and replies with the JSON a real model is asked for
/// (CopilotComposer). Offline and deterministic; tokens are estimated at four characters each and
/// the model is named like the engine's (clientele-builtin-1).
/// </summary>
public sealed class CopilotBuiltInClient(CopilotComposer composer) : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new(BuiltInChatClient.ProviderName, null, BuiltInChatClient.Model);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        var brief = CopilotPrompt.ReadBrief(list) ?? throw new ArgumentException($"the copilot needs a system message with '{CopilotPrompt.BriefMarker}'", nameof(messages));
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var text = composer.Compose(brief, question).ToJson().ToJsonString(CopilotJson.Relaxed);
        var input = BuiltInChatClient.Estimate(list.Sum(m => m.Text.Length));
        var output = BuiltInChatClient.Estimate(text.Length);
        return Task.FromResult(new ChatResponse(new AiMessage(ChatRole.Assistant, text) { CreatedAt = brief.AsOf })
        {
            ModelId = BuiltInChatClient.Model,
            CreatedAt = brief.AsOf,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}

/// <summary>JSON written for people and models: non-ASCII text ("€", names) kept as is.</summary>
public static class CopilotJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
