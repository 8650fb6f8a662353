using Clientele.Platform.Database;

namespace Clientele.Modules.Conversations;

/// <summary>What an agent answers to a customer message. The AI agents module replaces the default.</summary>
public interface IReplyGenerator
{
    int Priority { get; }
    Task<AgentReply?> ReplyAsync(TenantSession s, ReplyRequest request, CancellationToken ct);
}

public sealed record ReplyRequest(Guid ConversationId, Guid MessageId, Guid? AgentId, string? AgentName, string CustomerText, string? CustomerName, string Channel);

/// <summary>The reply and what is known about it (seed 000/001 message columns); Metadata is merged into the reply's extra_metadata.</summary>
public sealed record AgentReply(string Content, string? AgentName = null, string? ModelUsed = null, int? TokensUsed = null, double? Confidence = null,
    System.Text.Json.Nodes.JsonObject? Metadata = null);

/// <summary>Until the AI agents answer: a plain acknowledgement through the same pipeline.</summary>
public sealed class AcknowledgementReply : IReplyGenerator
{
    public int Priority => 0;

    public Task<AgentReply?> ReplyAsync(TenantSession s, ReplyRequest request, CancellationToken ct) =>
        Task.FromResult<AgentReply?>(new AgentReply(
            $"Thanks{(string.IsNullOrWhiteSpace(request.CustomerName) ? "" : ", " + request.CustomerName.Split(' ')[0])}! We got your message and will get back to you shortly.",
            request.AgentName ?? "assistant", "acknowledgement"));
}
