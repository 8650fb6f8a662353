using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Clientele.Modules.Agents.Gateway;

// Aliases inside the namespace: Clientele.Modules.Agents has its own ChatMessage entity.
using AiMessage = Microsoft.Extensions.AI.ChatMessage;
using Oai = OpenAI.Chat;

/// <summary>
/// Microsoft.Extensions.AI ⇄ OpenAI.Chat (what Microsoft.Extensions.AI.OpenAI would do; that
/// package is not available here). Text, tool calls and tool results, the usual options, usage.
/// </summary>
internal static class OpenAiChatMapping
{
    public static List<Oai.ChatMessage> ToOpenAi(IEnumerable<AiMessage> messages, ChatOptions? options)
    {
        var list = new List<Oai.ChatMessage>();
        if (options?.Instructions is { Length: > 0 } instructions) list.Add(Oai.ChatMessage.CreateSystemMessage(instructions));
        foreach (var m in messages)
        {
            var results = m.Contents.OfType<FunctionResultContent>().ToList();
            if (results.Count > 0)
            {
                // One tool message per result: the wire format answers each tool_call_id separately.
                foreach (var r in results) list.Add(Oai.ChatMessage.CreateToolMessage(r.CallId, ResultText(r)));
            }
            else if (m.Role == ChatRole.System) list.Add(Oai.ChatMessage.CreateSystemMessage(m.Text));
            else if (m.Role == ChatRole.Assistant) list.Add(Assistant(m));
            else list.Add(Oai.ChatMessage.CreateUserMessage(m.Text));
        }
        return list;
    }

    private static Oai.ChatMessage Assistant(AiMessage m)
    {
        var calls = m.Contents.OfType<FunctionCallContent>()
            .Select(c => Oai.ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name,
                BinaryData.FromString(JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions))))
            .ToList();
        if (calls.Count == 0) return Oai.ChatMessage.CreateAssistantMessage(m.Text);
        var message = Oai.ChatMessage.CreateAssistantMessage(calls);
        if (m.Text is { Length: > 0 } text) message.Content.Add(Oai.ChatMessageContentPart.CreateTextPart(text));
        return message;
    }

    private static string ResultText(FunctionResultContent r) => r.Result switch
    {
        null => r.Exception is { } e ? "Error: " + e.Message : "",
        string s => s,
        JsonElement e => e.GetRawText(),
        var other => JsonSerializer.Serialize(other, AIJsonUtilities.DefaultOptions),
    };

    public static Oai.ChatCompletionOptions ToOpenAi(ChatOptions? o)
    {
        var r = new Oai.ChatCompletionOptions();
        if (o is null) return r;
        r.Temperature = o.Temperature;
        r.TopP = o.TopP;
        r.MaxOutputTokenCount = o.MaxOutputTokens;
        r.FrequencyPenalty = o.FrequencyPenalty;
        r.PresencePenalty = o.PresencePenalty;
        foreach (var stop in o.StopSequences ?? []) r.StopSequences.Add(stop);
        foreach (var f in (o.Tools ?? []).OfType<AIFunctionDeclaration>())
            r.Tools.Add(Oai.ChatTool.CreateFunctionTool(f.Name, f.Description, BinaryData.FromString(f.JsonSchema.GetRawText())));
        if (r.Tools.Count > 0)
        {
            // tool_choice without tools is a 400 at OpenAI, so it is only sent with them.
            r.ToolChoice = o.ToolMode switch
            {
                NoneChatToolMode => Oai.ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => Oai.ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => Oai.ChatToolChoice.CreateRequiredChoice(),
                AutoChatToolMode => Oai.ChatToolChoice.CreateAutoChoice(),
                _ => null,
            };
            if (o.AllowMultipleToolCalls is { } parallel) r.AllowParallelToolCalls = parallel;
        }
        r.ResponseFormat = o.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => Oai.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription),
            ChatResponseFormatJson => Oai.ChatResponseFormat.CreateJsonObjectFormat(),
            ChatResponseFormatText => Oai.ChatResponseFormat.CreateTextFormat(),
            _ => null,
        };
        return r;
    }

    public static ChatResponse FromOpenAi(Oai.ChatCompletion c)
    {
        var message = new AiMessage(ChatRole.Assistant, []) { MessageId = c.Id, CreatedAt = c.CreatedAt, RawRepresentation = c };
        foreach (var part in c.Content)
            if (part.Kind == Oai.ChatMessageContentPartKind.Text) message.Contents.Add(new TextContent(part.Text));
        if (c.Refusal is { Length: > 0 } refusal) message.Contents.Add(new TextContent(refusal));
        foreach (var call in c.ToolCalls)
            message.Contents.Add(FunctionCallContent.CreateFromParsedArguments(call.FunctionArguments.ToString(), call.Id, call.FunctionName, ParseArguments));
        return new ChatResponse(message)
        {
            ResponseId = c.Id,
            ModelId = c.Model,
            CreatedAt = c.CreatedAt,
            FinishReason = c.FinishReason switch
            {
                Oai.ChatFinishReason.Stop => ChatFinishReason.Stop,
                Oai.ChatFinishReason.Length => ChatFinishReason.Length,
                Oai.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
                Oai.ChatFinishReason.ToolCalls or Oai.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
                _ => null,
            },
            Usage = c.Usage is { } u ? new UsageDetails { InputTokenCount = u.InputTokenCount, OutputTokenCount = u.OutputTokenCount, TotalTokenCount = u.TotalTokenCount } : null,
            RawRepresentation = c,
        };
    }

    // Values stay JsonElements: the caller binds them to whatever types its tool expects.
    private static Dictionary<string, object?>? ParseArguments(string json) =>
        string.IsNullOrWhiteSpace(json) ? [] :
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)?.ToDictionary(kv => kv.Key, kv => (object?)kv.Value);
}
