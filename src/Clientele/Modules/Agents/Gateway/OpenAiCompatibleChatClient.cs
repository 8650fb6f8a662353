using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using Polly;
using Polly.Timeout;

namespace Clientele.Modules.Agents.Gateway;

using AiMessage = Microsoft.Extensions.AI.ChatMessage;

/// <summary>
/// IChatClient over any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI,
/// Ollama, vLLM): the request and response mapping is Microsoft.Extensions.AI.OpenAI's
/// (ChatClient.AsIChatClient()); this class decorates it with Polly retries (AiResilience), the
/// Azure deployment policy on the OpenAI pipeline, a model per call (ChatOptions.ModelId overrides
/// Ai__Model) and AiProviderException for every failure. The usage ledger is AiGateway's.
/// </summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    private readonly AiOptions _options;
    private readonly HttpClient _http;
    private readonly OpenAIClient _client;
    private readonly ResiliencePipeline _pipeline;
    private readonly ConcurrentDictionary<string, IChatClient> _chats = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;

    public OpenAiCompatibleChatClient(AiOptions options)
    {
        _options = options;
        // Timeouts belong to the retry pipeline; connections are recycled so DNS changes are seen.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = options.BaseUrl,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5), // a backstop; Polly's per-attempt timeout fires first
            Transport = new HttpClientPipelineTransport(_http),
        };
        if (options.ApiVersion is { } version) clientOptions.AddPolicy(new AzureDeploymentPolicy(version, options.ApiKey), PipelinePosition.PerCall);
        // Servers without auth (a local Ollama) still need a non-empty credential for the client.
        _client = new OpenAIClient(new ApiKeyCredential(options.ApiKey ?? "no-key"), clientOptions);
        _pipeline = AiResilience.Build(options);
        _metadata = new ChatClientMetadata("openai", options.BaseUrl, options.Model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = options?.ModelId is { Length: > 0 } m ? m : _options.Model;
        var chat = _chats.GetOrAdd(model, name => _client.GetChatClient(name).AsIChatClient());
        var callOptions = WithoutGatewayProperties(options);
        var request = messages as IList<AiMessage> ?? messages.ToList(); // each retry sends the same messages
        var attempts = 0;
        try
        {
            var response = await _pipeline.ExecuteAsync(async token =>
            {
                Interlocked.Increment(ref attempts);
                return await chat.GetResponseAsync(request, callOptions, token);
            }, cancellationToken);
            response.ModelId ??= model;
            return response;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not AiProviderException)
        {
            throw Describe(e, attempts);
        }
    }

    /// <summary>The gateway's routing key ("provider") is ours, not a request field for the provider.</summary>
    private static ChatOptions? WithoutGatewayProperties(ChatOptions? o)
    {
        if (o?.AdditionalProperties?.ContainsKey(AiGateway.ProviderProperty) != true) return o;
        var copy = o.Clone();
        copy.AdditionalProperties!.Remove(AiGateway.ProviderProperty);
        if (copy.AdditionalProperties.Count == 0) copy.AdditionalProperties = null;
        return copy;
    }

    private AiProviderException Describe(Exception e, int attempts)
    {
        var where = $"The model provider at {_options.BaseUrl.Host}";
        var tries = attempts == 1 ? "1 attempt" : $"{attempts} attempts";
        return e switch
        {
            ClientResultException { Status: > 0 } c => new AiProviderException(
                $"{where} answered {c.Status}: {ErrorMessage(c)} ({tries}).", c.Status, AiResilience.IsTransient(c, TimeSpan.MaxValue), attempts, e),
            TimeoutRejectedException or OperationCanceledException => new AiProviderException(
                $"{where} did not answer within {_options.Timeout.TotalSeconds:0.##} s ({tries}).", null, true, attempts, e),
            ClientResultException or HttpRequestException or IOException => new AiProviderException(
                $"{where} could not be reached: {e.Message} ({tries}).", null, true, attempts, e),
            _ => new AiProviderException($"{where} failed: {e.Message} ({tries}).", null, false, attempts, e),
        };
    }

    /// <summary>OpenAI's error shape {"error":{"message":…}}; other servers' bodies as they are.</summary>
    private static string ErrorMessage(ClientResultException e)
    {
        try
        {
            var body = e.GetRawResponse()?.Content?.ToString();
            if (string.IsNullOrWhiteSpace(body)) return e.Message;
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message)
                ? message.GetString() ?? body
                : body.Length > 300 ? body[..300] : body;
        }
        catch (JsonException) { return e.Message; }
        catch (InvalidOperationException) { return e.Message; } // body not buffered
    }

    /// <summary>Streaming is served by one non-streaming call, replayed as updates.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates()) yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(OpenAIClient) ? _client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        foreach (var chat in _chats.Values) chat.Dispose();
        _http.Dispose();
    }
}
