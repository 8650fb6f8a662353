using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Sales.Extraction;

/// <summary>
/// Leads__ExtractEveryMessages (3): a new extraction after this many customer messages since the last one;
/// Leads__ExtractAfterIdleMinutes (10): and when the customer has written nothing new for this long;
/// Leads__SlotsOffered (3) and Leads__SlotDays (5): the demo times the agent offers, from this many working days;
/// Leads__OfferValidHours (24): how long a customer can pick one of them. Validated at start.
/// </summary>
public sealed class LeadOptions
{
    public int ExtractEveryMessages { get; init; } = 3;
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(10);
    public int SlotsOffered { get; init; } = 3;
    public int SlotDays { get; init; } = 5;
    public TimeSpan OfferValidFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Reads Leads:*; throws InvalidOperationException naming each bad setting (the host prints it and exits).</summary>
    public static LeadOptions From(IConfiguration config)
    {
        var section = config.GetSection("Leads");
        var problems = new List<string>();
        double Number(string key, double fallback, double min, double max)
        {
            var raw = section[key];
            if (string.IsNullOrWhiteSpace(raw)) return fallback;
            if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            problems.Add($"Leads__{key} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)} (got '{raw}').");
            return fallback;
        }
        var options = new LeadOptions
        {
            ExtractEveryMessages = (int)Number("ExtractEveryMessages", 3, 1, 1000),
            IdleAfter = TimeSpan.FromMinutes(Number("ExtractAfterIdleMinutes", 10, 0.001, 7 * 24 * 60)),
            SlotsOffered = (int)Number("SlotsOffered", 3, 1, 9),
            SlotDays = (int)Number("SlotDays", 5, 1, 30),
            OfferValidFor = TimeSpan.FromHours(Number("OfferValidHours", 24, 0.01, 24 * 30)),
        };
        if (problems.Count > 0) throw new InvalidOperationException("invalid lead settings: " + string.Join(" ", problems));
        return options;
    }
}
