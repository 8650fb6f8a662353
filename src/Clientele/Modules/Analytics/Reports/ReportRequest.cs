using System.Globalization;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Modules.Analytics.Reports;

/// <summary>
/// The query of GET /api/v1/reports/{name}: from and to (days on the organization's clock,
/// inclusive; default the last 30 days), granularity day|week|month (weeks start on Monday, a
/// period is named by its first day), channel (the conversations report) and agent (the agents
/// report: an agents row's id or a logical agent's name). A bad value is a 400 naming it.
/// </summary>
public sealed record ReportRequest(string Name, DateOnly From, DateOnly To, string Granularity, string? Channel, Guid? AgentId, string? AgentName, string Zone)
{
    public static readonly string[] Names = ["conversations", "agents", "usage", "features"];
    public static readonly string[] Granularities = ["day", "week", "month"];
    public static readonly string[] Channels = ["web_chat", "email", "phone", "slack", "api", "widget", "whatsapp", "instagram"];
    public const int MaxDays = 731;

    public static ReportRequest Parse(string name, IQueryCollection query, DateOnly today, string zone)
    {
        if (!Names.Contains(name)) throw ProblemException.NotFound($"No report named '{name}'. Reports: {string.Join(", ", Names)}.");
        var errors = new FieldErrors();
        string[] known = ["from", "to", "granularity", "channel", "agent"];
        foreach (var key in query.Keys.Where(k => !known.Contains(k))) errors.Add(key, "is not a parameter of reports (from, to, granularity, channel, agent)");
        var to = Day(query, "to", errors) ?? today;
        var from = Day(query, "from", errors) ?? to.AddDays(-29);
        if (from > to) errors.Add("from", "must be on or before to");
        else if (to.DayNumber - from.DayNumber + 1 > MaxDays) errors.Add("to", $"the range may span at most {MaxDays} days");
        var granularity = query.TryGetValue("granularity", out var g) ? g.ToString() : "day";
        if (!Granularities.Contains(granularity)) errors.Add("granularity", "must be day, week or month");
        string? channel = null;
        if (query.TryGetValue("channel", out var c))
        {
            if (name != "conversations") errors.Add("channel", "applies to the conversations report only");
            else if (!Channels.Contains(c.ToString())) errors.Add("channel", $"must be one of {string.Join(", ", Channels)}");
            else channel = c.ToString();
        }
        Guid? agentId = null;
        string? agentName = null;
        if (query.TryGetValue("agent", out var a))
        {
            var text = a.ToString().Trim();
            if (name != "agents") errors.Add("agent", "applies to the agents report only");
            else if (Guid.TryParse(text, out var id)) agentId = id;
            else if (text.Length is 0 or > 50) errors.Add("agent", "must be an agent's id or a name of 1 to 50 characters");
            else agentName = text;
        }
        errors.ThrowIfAny(400);
        return new ReportRequest(name, from, to, granularity, channel, agentId, agentName, zone);
    }

    private static DateOnly? Day(IQueryCollection query, string key, FieldErrors errors)
    {
        if (!query.TryGetValue(key, out var v)) return null;
        if (DateOnly.TryParseExact(v.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors.Add(key, "must be a day as YYYY-MM-DD");
        return null;
    }
}
