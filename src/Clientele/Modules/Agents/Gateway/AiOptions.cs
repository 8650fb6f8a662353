using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>
/// The model configuration (docs/ai.md, "Providers and usage"), read and validated once at start:
/// Ai__Provider (builtin | openai), Ai__BaseUrl, Ai__Model, Ai__ApiKey, Ai__ApiVersion (Azure
/// deployment URLs), Ai__TimeoutSeconds, Ai__MaxRetries, Ai__RetryBaseDelaySeconds,
/// Ai__MaxRetryAfterSeconds and the price table Ai__Prices__{model}__Input / __Output.
/// </summary>
public sealed class AiOptions
{
    public const string Builtin = "builtin";
    public const string OpenAi = "openai";
    public const string DefaultBaseUrl = "https://api.openai.com/v1";
    public const string DefaultModel = "gpt-4o-mini";

    public required string Provider { get; init; }
    public required Uri BaseUrl { get; init; }
    public required string Model { get; init; }
    public string? ApiKey { get; init; }
    /// <summary>Azure OpenAI deployment URLs need ?api-version=… and the api-key header.</summary>
    public string? ApiVersion { get; init; }
    /// <summary>Per attempt; a slower answer is abandoned and retried.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxRetries { get; init; } = 3;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A 429 asking to wait longer than this fails at once instead of holding the caller.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);
    public required AiPriceTable Prices { get; init; }

    /// <summary>Whether the OpenAI-compatible client can be built (the default provider, or configured explicitly for per-call use).</summary>
    public bool OpenAiConfigured { get; init; }

    /// <summary>Reads Ai:* and throws InvalidOperationException listing every problem (the host prints it and exits).</summary>
    public static AiOptions From(IConfiguration config)
    {
        var ai = config.GetSection("Ai");
        var problems = new List<string>();

        var provider = (ai["Provider"] is { Length: > 0 } p ? p.Trim() : Builtin).ToLowerInvariant();
        if (provider is not (Builtin or OpenAi)) problems.Add($"Ai__Provider must be '{Builtin}' or '{OpenAi}' (got '{ai["Provider"]}').");

        var baseUrlText = ai["BaseUrl"] is { Length: > 0 } b ? b.Trim() : DefaultBaseUrl;
        var customBaseUrl = ai["BaseUrl"] is { Length: > 0 };
        if (!Uri.TryCreate(baseUrlText.TrimEnd('/'), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            problems.Add($"Ai__BaseUrl must be an absolute http(s) URL such as {DefaultBaseUrl} or http://localhost:11434/v1 (got '{baseUrlText}').");
            baseUrl = new Uri(DefaultBaseUrl);
        }

        // gpt-4o-mini only exists at OpenAI: another server (Ollama, vLLM, Azure) must name its model.
        var modelSet = ai["Model"] is not null;
        var model = ai["Model"]?.Trim() ?? DefaultModel;
        var apiKey = ai["ApiKey"] is { Length: > 0 } k ? k.Trim() : null;
        var openAiConfigured = provider == OpenAi || apiKey is not null || customBaseUrl;
        if (provider == OpenAi)
        {
            if (model.Length == 0 || (customBaseUrl && !modelSet))
                problems.Add($"Ai__Provider=openai needs Ai__Model: the model (or Azure deployment) to call at {baseUrl} (e.g. gpt-4o-mini, llama3.1).");
            if (apiKey is null && baseUrl.Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase))
                problems.Add("Ai__Provider=openai with api.openai.com needs Ai__ApiKey.");
        }

        var timeout = Number(ai, "TimeoutSeconds", 60, 0.01, 3600, problems);
        var retries = Number(ai, "MaxRetries", 3, 0, 10, problems);
        if (retries != Math.Floor(retries)) problems.Add("Ai__MaxRetries must be a whole number from 0 to 10.");
        var baseDelay = Number(ai, "RetryBaseDelaySeconds", 1, 0, 60, problems);
        var maxRetryAfter = Number(ai, "MaxRetryAfterSeconds", 30, 0, 3600, problems);
        var prices = AiPriceTable.From(ai.GetSection("Prices"), problems);

        if (problems.Count > 0) throw new InvalidOperationException("invalid AI configuration: " + string.Join(" ", problems));
        return new AiOptions
        {
            Provider = provider,
            BaseUrl = baseUrl,
            Model = model.Length == 0 ? DefaultModel : model,
            ApiKey = apiKey,
            ApiVersion = ai["ApiVersion"] is { Length: > 0 } v ? v.Trim() : null,
            Timeout = TimeSpan.FromSeconds(timeout),
            MaxRetries = (int)retries,
            RetryBaseDelay = TimeSpan.FromSeconds(baseDelay),
            MaxRetryAfter = TimeSpan.FromSeconds(maxRetryAfter),
            Prices = prices,
            OpenAiConfigured = openAiConfigured,
        };
    }

    private static double Number(IConfiguration ai, string key, double fallback, double min, double max, List<string> problems)
    {
        if (ai[key] is not { Length: > 0 } text) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        problems.Add($"Ai__{key} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (got '{text}').");
        return fallback;
    }
}
