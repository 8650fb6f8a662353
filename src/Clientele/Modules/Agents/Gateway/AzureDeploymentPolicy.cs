using System.ClientModel.Primitives;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>
/// Azure OpenAI deployment URLs (https://{resource}.openai.azure.com/openai/deployments/{name})
/// want ?api-version=… and the key in an api-key header; set with Ai__ApiVersion. Azure's newer
/// /openai/v1 endpoint needs neither and works like any OpenAI-compatible server.
/// </summary>
internal sealed class AzureDeploymentPolicy(string apiVersion, string? apiKey) : PipelinePolicy
{
    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message.Request);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        Apply(message.Request);
        await ProcessNextAsync(message, pipeline, currentIndex);
    }

    private void Apply(PipelineRequest request)
    {
        var uri = new UriBuilder(request.Uri!);
        if (!uri.Query.Contains("api-version=", StringComparison.Ordinal))
            uri.Query = (uri.Query.Length > 1 ? uri.Query[1..] + "&" : "") + "api-version=" + Uri.EscapeDataString(apiVersion);
        request.Uri = uri.Uri;
        if (apiKey is not null) request.Headers.Set("api-key", apiKey);
    }
}
