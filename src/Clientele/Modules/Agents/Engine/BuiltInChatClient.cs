using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Clientele.Modules.Agents.Ai;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Agents.Engine;

// The chat_messages entity (Clientele.Modules.Agents.ChatMessage) would win the simple name.
using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// The offline "model" behind Ai__Provider=builtin: answers a conversation like a chat model does,
/// with the built-in engine. The task comes from ChatOptions.AdditionalProperties["clientele.task"]:
/// "reply" (default) composes the agent's answer to the last user message (ReplyComposer), reading
/// the knowledge base articles from a system message made by KnowledgePrompt.Format; "analyze"
/// returns the last user message's analysis and "extract" the whole conversation's, as JSON text
/// (AnalysisJson), so callers treat both providers alike. Tokens are estimated at four characters
/// each. Deterministic: the same messages and options give the same response. docs/ai.md has the
/// conventions.
/// </summary>
public sealed class BuiltInChatClient(IMessageAnalyzer analyzer, TimeProvider clock) : IChatClient
{
    public const string Model = "clientele-builtin-1";
    public const string ProviderName = "clientele-builtin";

    // Request options (ChatOptions.AdditionalProperties)
    public const string TaskProperty = "clientele.task";
    public const string PromptIdProperty = "clientele.prompt_id";
    public const string CustomerNameProperty = "clientele.customer_name";
    public const string AgentNameProperty = "clientele.agent_name";
    /// <summary>The message time for "tomorrow at 3pm" (else the last user message's CreatedAt, else now).</summary>
    public const string NowProperty = "clientele.now";

    public const string ReplyTask = "reply", AnalyzeTask = "analyze", ExtractTask = "extract";

    // What the response says about itself (ChatResponse.AdditionalProperties), built-in only.
    public const string IntentResult = "clientele.intent", ConfidenceResult = "clientele.intent_confidence", UrgencyResult = "clientele.urgency",
        EmotionResult = "clientele.emotion", SentimentResult = "clientele.sentiment", PersonaResult = "clientele.persona",
        GroundedResult = "clientele.grounded", HandoffResult = "clientele.handoff", HandoffTeamResult = "clientele.handoff_team",
        ArticlesResult = "clientele.kb_articles_used";

    private static readonly ChatClientMetadata Metadata = new(ProviderName, null, Model);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        var task = Option(options, TaskProperty)?.Trim().ToLowerInvariant() ?? ReplyTask;
        var now = Now(list, options);
        var userTexts = list.Where(m => m.Role == ChatRole.User && !string.IsNullOrWhiteSpace(m.Text)).Select(m => m.Text).ToList();
        var analyses = userTexts.Select(t => analyzer.Analyze(t, now)).ToList();
        var last = analyses.Count > 0 ? analyses[^1] : analyzer.Analyze("", now);
        var extra = new AdditionalPropertiesDictionary();

        string text;
        switch (task)
        {
            case AnalyzeTask:
                text = AnalysisJson.Serialize(last);
                Describe(extra, last);
                break;
            case ExtractTask:
                var merged = ConversationAnalysis.Merge(analyses);
                text = AnalysisJson.Serialize(merged);
                Describe(extra, merged);
                break;
            case ReplyTask:
                // The last message decides intent and tone; earlier ones may have said who and how many.
                var reading = last with { Entities = ConversationAnalysis.Merge(analyses).Entities };
                var knowledge = list.Where(m => m.Role == ChatRole.System && KnowledgePrompt.IsKnowledge(m.Text)).SelectMany(m => KnowledgePrompt.Parse(m.Text)).ToList();
                var reply = ReplyComposer.Compose(new ReplyContext(userTexts.LastOrDefault() ?? "", reading, Option(options, PromptIdProperty),
                    Option(options, CustomerNameProperty), Option(options, AgentNameProperty), knowledge));
                text = reply.Text;
                Describe(extra, reading);
                extra[PersonaResult] = reply.Persona;
                extra[GroundedResult] = reply.Grounded;
                extra[HandoffResult] = reply.Handoff;
                extra[HandoffTeamResult] = reply.HandoffTeam;
                extra[ArticlesResult] = reply.ArticlesUsed.Select(h => h.Id.ToString()).ToArray();
                break;
            default:
                throw new ArgumentException($"unknown {TaskProperty} '{task}': use {ReplyTask}, {AnalyzeTask} or {ExtractTask}", nameof(options));
        }

        var input = Estimate(list.Sum(m => m.Text.Length) + (options?.Instructions?.Length ?? 0));
        var output = Estimate(text.Length);
        return Task.FromResult(new ChatResponse(new AiMessage(ChatRole.Assistant, text) { CreatedAt = now })
        {
            ModelId = Model,
            ResponseId = "builtin-" + StableHash(task, list),
            CreatedAt = now,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
            AdditionalProperties = extra,
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(ChatClientMetadata)) return Metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose() { }

    /// <summary>About four characters per token, as the gateway estimates for providers that report none.</summary>
    public static int Estimate(int chars) => (chars + 3) / 4;

    private static void Describe(AdditionalPropertiesDictionary extra, MessageAnalysis a)
    {
        extra[IntentResult] = a.Intent;
        extra[ConfidenceResult] = a.IntentConfidence;
        extra[SentimentResult] = a.Sentiment;
        extra[EmotionResult] = a.Emotion;
        extra[UrgencyResult] = a.Urgency;
    }

    private DateTimeOffset Now(List<AiMessage> messages, ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(NowProperty, out var value) == true)
        {
            if (value is DateTimeOffset dto) return dto;
            if (value is DateTime dt) return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
            if (value?.ToString() is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
        }
        return messages.LastOrDefault(m => m.Role == ChatRole.User && m.CreatedAt is not null)?.CreatedAt ?? clock.GetUtcNow();
    }

    private static string? Option(ChatOptions? options, string key) =>
        options?.AdditionalProperties?.TryGetValue(key, out var v) == true && v?.ToString() is { Length: > 0 } s ? s : null;

    /// <summary>FNV-1a over the task and the messages: the same request gets the same id.</summary>
    private static string StableHash(string task, List<AiMessage> messages)
    {
        var hash = 14695981039346656037UL;
        void Add(string s) { foreach (var b in Encoding.UTF8.GetBytes(s)) { hash ^= b; hash *= 1099511628211UL; } hash ^= 0xFF; hash *= 1099511628211UL; }
        Add(task);
        foreach (var m in messages) { Add(m.Role.Value); Add(m.Text); }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
