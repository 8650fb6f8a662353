using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Agents.Gateway;

/// <summary>USD per 1M input and output tokens for one model.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal OutputPerMillion);

/// <summary>
/// The price table: Ai__Prices__{model}__Input and __Output (USD per 1M tokens) over a few
/// defaults (OpenAI list prices, standard tier, when this was written). A model that is not in the
/// table costs 0; a dated name (gpt-4o-mini-2024-07-18) uses its base name's price.
/// </summary>
public sealed partial class AiPriceTable
{
    public static IReadOnlyDictionary<string, ModelPrice> Defaults { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o-mini"] = new(0.15m, 0.60m),
        ["gpt-4o"] = new(2.50m, 10.00m),
        ["gpt-4.1"] = new(2.00m, 8.00m),
        ["gpt-4.1-mini"] = new(0.40m, 1.60m),
        ["gpt-4.1-nano"] = new(0.10m, 0.40m),
        ["gpt-5"] = new(1.25m, 10.00m),
        ["gpt-5-mini"] = new(0.25m, 2.00m),
        ["gpt-5-nano"] = new(0.05m, 0.40m),
        ["o3-mini"] = new(1.10m, 4.40m),
        ["o4-mini"] = new(1.10m, 4.40m),
        ["gpt-3.5-turbo"] = new(0.50m, 1.50m),
    };

    private readonly Dictionary<string, ModelPrice> _prices;

    public AiPriceTable(IReadOnlyDictionary<string, ModelPrice> prices) =>
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, ModelPrice> Prices => _prices;

    public static AiPriceTable From(IConfigurationSection section, List<string> problems)
    {
        var prices = new Dictionary<string, ModelPrice>(Defaults, StringComparer.OrdinalIgnoreCase);
        foreach (var model in section.GetChildren())
        {
            prices.TryGetValue(model.Key, out var known);
            var input = Price(model, "Input", known?.InputPerMillion, problems);
            var output = Price(model, "Output", known?.OutputPerMillion, problems);
            prices[model.Key] = new ModelPrice(input, output);
        }
        return new AiPriceTable(prices);
    }

    private static decimal Price(IConfigurationSection model, string side, decimal? known, List<string> problems)
    {
        var text = model[side];
        if (text is null or "")
        {
            if (known is null) problems.Add($"Ai__Prices__{model.Key}__{side} is missing (USD per 1M tokens).");
            return known ?? 0;
        }
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var v) && v >= 0) return v;
        problems.Add($"Ai__Prices__{model.Key}__{side} must be a non-negative number of USD per 1M tokens (got '{text}').");
        return 0;
    }

    /// <summary>The price of a model, or null when the table does not know it.</summary>
    public ModelPrice? Find(string model)
    {
        if (_prices.TryGetValue(model, out var p)) return p;
        // ':' separates configuration keys, so Ollama's llama3.1:8b is configured as llama3.1_8b.
        if (model.Contains(':') && _prices.TryGetValue(model.Replace(':', '_'), out p)) return p;
        var undated = DatedSuffix().Replace(model, "");
        return undated != model && _prices.TryGetValue(undated, out p) ? p : null;
    }

    /// <summary>The cost in USD, rounded to the column's 6 decimals.</summary>
    public decimal Cost(string model, int promptTokens, int completionTokens) =>
        Find(model) is { } p ? decimal.Round((promptTokens * p.InputPerMillion + completionTokens * p.OutputPerMillion) / 1_000_000m, 6) : 0m;

    // -2024-07-18 (OpenAI) or -0125 (older OpenAI names).
    [GeneratedRegex(@"-(\d{4}-\d{2}-\d{2}|\d{4})$")]
    private static partial Regex DatedSuffix();
}
