using Clientele.Platform.Database;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Agents.Ai;

// The seams of the AI module (DESIGN §6). Microsoft.Extensions.AI's IChatClient is the model
// interface; the built-in offline engine and the OpenAI-compatible provider both implement it.
// Everything else (replies, routing, extraction, copilot) talks to IAiGateway, which records
// every model call in llm_usage_logs, and to the deterministic analyzers below.

/// <summary>What the built-in engine reads from one customer message (deterministic, offline, fast).</summary>
public sealed record MessageAnalysis(
    string Intent,                 // pricing, demo, support, billing, technical, cancellation, complaint, greeting, other
    double IntentConfidence,       // 0..1
    double Sentiment,              // -1..1 (lexicon)
    string Emotion,                // e.g. joy, gratitude, neutral, confusion, frustration, anger, sadness, fear, urgency
    string Urgency,                // low, medium, high, critical
    ExtractedEntities Entities);

/// <summary>Entities found in a message (all optional).</summary>
public sealed record ExtractedEntities(
    string? Name = null,
    string? Email = null,
    string? Phone = null,
    string? Company = null,
    int? Seats = null,
    /// <summary>"Yes", "No" or "Maybe" when the buyer says something about budget.</summary>
    string? Budget = null,
    decimal? BudgetAmount = null,
    string? BudgetCurrency = null,
    /// <summary>Dates and times mentioned, resolved against the message time (UTC).</summary>
    IReadOnlyList<DateTimeOffset>? DateTimes = null);

public interface IMessageAnalyzer
{
    /// <param name="now">the message's time, to resolve "tomorrow at 3pm"</param>
    MessageAnalysis Analyze(string text, DateTimeOffset now);
}

/// <summary>A knowledge_base article that matches a question (PostgreSQL full-text search).</summary>
public sealed record KnowledgeHit(Guid Id, string Title, string Content, double Rank);

public interface IKnowledgeRetriever
{
    Task<IReadOnlyList<KnowledgeHit>> SearchAsync(TenantSession s, string query, int limit, CancellationToken ct);
}

// Fully qualified: Clientele.Modules.Agents.ChatMessage (the chat_messages entity) would win otherwise.
/// <summary>One model call, named for llm_usage_logs: workflow (e.g. "agent.reply") and node (e.g. "router").</summary>
public sealed record AiCall(string Workflow, string Node, IList<Microsoft.Extensions.AI.ChatMessage> Messages, ChatOptions? Options = null);

/// <summary>The model's answer and what it cost.</summary>
public sealed record AiResult(ChatResponse Response, string Model, int PromptTokens, int CompletionTokens, double LatencyMs, decimal Cost)
{
    public string Text => Response.Text;
}

/// <summary>
/// Calls the configured model (Ai__Provider: builtin by default, or openai for any
/// OpenAI-compatible endpoint) and records the call in llm_usage_logs in the caller's transaction.
/// </summary>
public interface IAiGateway
{
    string Provider { get; }
    Task<AiResult> CompleteAsync(TenantSession s, AiCall call, CancellationToken ct);
}
