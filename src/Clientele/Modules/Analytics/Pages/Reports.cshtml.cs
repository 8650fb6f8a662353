using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Analytics.Experiments;
using Clientele.Modules.Analytics.Reports;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;

namespace Clientele.Modules.Analytics.Pages;

/// <summary>
/// /app/reports: the conversations and usage reports of a date range as tiles, charts and tables,
/// read by the same code as GET /api/v1/reports/{name} (so the page and the API agree), plus the
/// range's totals per channel and per agent. A bad filter re-renders the form with its message (422).
/// </summary>
public sealed class ReportsModel : ConsolePage
{
    public sealed record Tile(string Label, string Value, string Hint);
    public const int MaxExperiments = 5;

    public ReportRequest? Query { get; private set; }
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public string Granularity { get; private set; } = "day";
    public string? Channel { get; private set; }
    public string Zone { get; private set; } = "UTC";
    public List<Tile> Tiles { get; } = [];
    public JsonArray Periods { get; private set; } = [];
    public JsonArray UsagePeriods { get; private set; } = [];
    public List<(string Channel, JsonObject Numbers)> Channels { get; private set; } = [];
    public List<JsonObject> Agents { get; private set; } = [];
    public string VolumeChart { get; private set; } = "{}";
    public string RatesChart { get; private set; } = "{}";
    public string ResponseChart { get; private set; } = "{}";
    public string CostChart { get; private set; } = "{}";
    public bool Empty { get; private set; }
    /// <summary>The organization's agent experiments (running first), each as GET /api/v1/experiments/{test_name}/results answers it.</summary>
    public List<JsonObject> Experiments { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        From = Request.Query["from"].ToString();
        To = Request.Query["to"].ToString();
        Granularity = Request.Query["granularity"] is { Count: > 0 } g && g.ToString() != "" ? g.ToString() : "day";
        Channel = Request.Query["channel"].ToString() is { Length: > 0 } c ? c : null;
        await using var s = OpenSession();
        Zone = await AnalyticsRollup.ZoneAsync(s, Aborted);
        // The form sends empty fields for "any": those are absent parameters, not bad ones.
        var query = new QueryCollection(Request.Query.Where(kv => kv.Key is "from" or "to" or "granularity" or "channel" && !StringValues.IsNullOrEmpty(kv.Value) && kv.Value.ToString() != "")
            .ToDictionary(kv => kv.Key, kv => kv.Value));
        ReportRequest conversations;
        try
        {
            conversations = ReportRequest.Parse("conversations", query, AnalyticsRollup.LocalToday(DateTime.UtcNow, Zone), Zone);
        }
        catch (ProblemException e) when (e.Errors is not null)
        {
            foreach (var (field, messages) in e.Errors) foreach (var m in messages) ModelState.AddModelError(field, m);
            Response.StatusCode = 422;
            return Page();
        }
        Query = conversations;
        From = conversations.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = conversations.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var conv = await ReportQueries.RunAsync(s, conversations, Aborted);
        var usage = await ReportQueries.RunAsync(s, conversations with { Name = "usage", Channel = null }, Aborted);
        Channels = await ReportQueries.ByChannelAsync(s, conversations.From, conversations.To, Aborted);
        Agents = await ReportQueries.AgentTotalsAsync(s, conversations.From, conversations.To, Aborted);
        Experiments = await ExperimentResults.RecentAsync(s, MaxExperiments, Aborted);
        await s.CommitAsync(Aborted);

        Periods = conv["series"]!.AsArray();
        UsagePeriods = usage["series"]!.AsArray();
        var totals = conv["totals"]!.AsObject();
        var cost = usage["totals"]!["ai_cost"]!.GetValue<decimal>();
        Empty = totals["conversations"]!.GetValue<long>() == 0 && cost == 0;
        Tiles.Add(new("Conversations", Num(totals["conversations"]), $"{Num(totals["resolved"])} resolved, {Num(totals["escalated"])} escalated"));
        Tiles.Add(new("Resolution rate", Percent(totals["resolution_rate"]), "of the conversations started"));
        Tiles.Add(new("First response", Seconds(totals["avg_first_response_seconds"]), "average time to the first reply"));
        Tiles.Add(new("CSAT", totals["avg_csat"] is null ? "—" : $"{Num(totals["avg_csat"])} / 5", $"{Num(totals["csat_responses"])} ratings"));
        Tiles.Add(new("AI share", Percent(totals["ai_share"]), "conversations with no human reply"));
        Tiles.Add(new("AI cost", cost.ToString("0.00##", CultureInfo.InvariantCulture), $"{Num(usage["totals"]!["ai_calls"])} model calls (USD)"));

        var labels = Periods.Select(p => Label(p!["period"]!.GetValue<string>())).ToArray();
        long L(JsonNode? p, string k) => p![k]!.GetValue<long>();
        VolumeChart = Chart("bar", labels, true, null,
            ("Resolved", Periods.Select(p => (object?)L(p, "resolved"))), ("Escalated", Periods.Select(p => (object?)L(p, "escalated"))),
            ("Open", Periods.Select(p => (object?)(L(p, "conversations") - L(p, "resolved") - L(p, "escalated")))));
        RatesChart = Chart("line", labels, false, null,
            ("Resolution rate (%)", Periods.Select(p => Value(p!["resolution_rate"]))), ("AI share (%)", Periods.Select(p => Value(p!["ai_share"]))));
        ResponseChart = Chart("line", labels, false, "CSAT",
            ("First response (s)", Periods.Select(p => Value(p!["avg_first_response_seconds"]))), ("CSAT (1-5)", Periods.Select(p => Value(p!["avg_csat"]))));
        CostChart = Chart("bar", labels, false, null, ("AI cost (USD)", UsagePeriods.Select(p => (object?)p!["ai_cost"]!.GetValue<decimal>())));
        return Page();
    }

    public string Label(string period)
    {
        var d = DateOnly.ParseExact(period, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Granularity == "month" ? d.ToString("MMM yyyy", CultureInfo.InvariantCulture) : d.ToString("MMM d", CultureInfo.InvariantCulture);
    }

    public static string Num(JsonNode? n) => n is null ? "—" : n.ToJsonString();
    public static string Percent(JsonNode? n) => n is null ? "—" : n.ToJsonString() + " %";
    /// <summary>Seconds held as a double (experiment results are computed, not parsed).</summary>
    public static string SecondsOf(JsonNode? n) => n is null ? "—" : Seconds(JsonValue.Create((decimal)n.GetValue<double>()));
    /// <summary>A 0-1 fraction as a percentage (experiment rates).</summary>
    public static string Share(JsonNode? n) => n is null ? "—" : (n.GetValue<double>() * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
    public static string Seconds(JsonNode? n) => n is null ? "—" : n.GetValue<decimal>() switch
    {
        < 120 and var v => v.ToString("0.#", CultureInfo.InvariantCulture) + " s",
        < 7200 and var v => (v / 60).ToString("0.#", CultureInfo.InvariantCulture) + " min",
        var v => (v / 3600).ToString("0.#", CultureInfo.InvariantCulture) + " h",
    };

    private static object? Value(JsonNode? n) => n?.GetValue<decimal>();

    /// <summary>A Chart.js config; with a right axis the last dataset is drawn on it (CSAT's 1-5 next to seconds).</summary>
    private static string Chart(string type, string[] labels, bool stacked, string? rightAxis, params (string Label, IEnumerable<object?> Data)[] sets)
    {
        var datasets = new JsonArray();
        for (var i = 0; i < sets.Length; i++)
        {
            var d = new JsonObject { ["label"] = sets[i].Label, ["data"] = JsonSerializer.SerializeToNode(sets[i].Data.ToArray()), ["spanGaps"] = true };
            if (rightAxis is not null && i == sets.Length - 1) d["yAxisID"] = "y1";
            datasets.Add(d);
        }
        var scales = new JsonObject
        {
            ["x"] = new JsonObject { ["stacked"] = stacked },
            ["y"] = new JsonObject { ["stacked"] = stacked, ["beginAtZero"] = true },
        };
        // Counts are whole numbers (no 0.5 conversation ticks); rates, seconds and money are not.
        if (stacked) scales["y"]!["ticks"] = new JsonObject { ["precision"] = 0 };
        if (rightAxis is not null)
            scales["y1"] = new JsonObject { ["position"] = "right", ["min"] = 1, ["max"] = 5, ["title"] = new JsonObject { ["display"] = true, ["text"] = rightAxis },
                ["grid"] = new JsonObject { ["drawOnChartArea"] = false } };
        return new JsonObject
        {
            ["type"] = type, ["data"] = new JsonObject { ["labels"] = JsonSerializer.SerializeToNode(labels), ["datasets"] = datasets },
            ["options"] = new JsonObject { ["responsive"] = true, ["maintainAspectRatio"] = false, ["scales"] = scales },
        }.ToJsonString();
    }
}
