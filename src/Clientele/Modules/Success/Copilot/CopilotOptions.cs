using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Success.Copilot;

/// <summary>
/// Copilot__ApprovalTtlHours (default 72): how long a proposal can be approved; Copilot__GoogleApprovalTtlHours
/// (default 24): the same for Google actions (google_pending_approvals.expires_at), never later than the
/// meeting's start; Copilot__HistoryTurns (default 6): earlier turns of the session sent to the model.
/// </summary>
public sealed class CopilotOptions
{
    public TimeSpan ApprovalTtl { get; init; } = TimeSpan.FromHours(72);
    public TimeSpan GoogleApprovalTtl { get; init; } = TimeSpan.FromHours(24);
    public int HistoryTurns { get; init; } = 6;

    public static CopilotOptions From(IConfiguration config)
    {
        var c = config.GetSection("Copilot");
        return new CopilotOptions
        {
            ApprovalTtl = TimeSpan.FromHours(Number(c["ApprovalTtlHours"], 72, "Copilot__ApprovalTtlHours")),
            GoogleApprovalTtl = TimeSpan.FromHours(Number(c["GoogleApprovalTtlHours"], 24, "Copilot__GoogleApprovalTtlHours")),
            HistoryTurns = (int)Number(c["HistoryTurns"], 6, "Copilot__HistoryTurns", max: 50),
        };
    }

    private static double Number(string? text, double fallback, string name, double max = 24 * 365)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v <= max) return v;
        throw new InvalidOperationException($"{name} must be a number above 0 and at most {max.ToString(CultureInfo.InvariantCulture)} (got '{text}').");
    }
}
