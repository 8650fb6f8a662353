using System.Globalization;
using System.Text.Json;
using Clientele.Modules.Success.Copilot;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Customers.Pages;

/// <summary>
/// /app/customers/{id}: the one customer record (header, timeline, sections, charts, notes) and
/// the copilot panel. Handlers: note (add a note), timeline (the next timeline page as a fragment
/// for htmx), ask (a copilot question).
/// </summary>
public sealed partial class CustomerModel : ConsolePage
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public CustomerRecord Record { get; private set; } = null!;
    public TimelinePage Timeline { get; private set; } = new([], null);
    public string UsageChart { get; private set; } = "";
    public string HealthChart { get; private set; } = "";
    /// <summary>The health score explained (Success module: components, weights, evidence, signals), computed on first view.</summary>
    public System.Text.Json.Nodes.JsonObject? HealthExplained { get; private set; }
    public string? Flash { get; private set; }

    [BindProperty] public string? NoteType { get; set; }
    [BindProperty] public string? NoteContent { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var errors = new FieldErrors();
        var before = KeysetCursor.Decode(Request.Query["before"], errors, "before");
        if (!await LoadAsync(before)) return NotFound();
        Flash = TempData["flash"] as string;
        return Page();
    }

    /// <summary>The next page of the timeline: a fragment for htmx ("Older" button), the whole page otherwise.</summary>
    public async Task<IActionResult> OnGetTimelineAsync()
    {
        var errors = new FieldErrors();
        var before = KeysetCursor.Decode(Request.Query["before"], errors, "before");
        await using var s = OpenSession();
        if (!await CustomerExportApi.ExistsAsync(s, Id, Aborted)) return NotFound();
        Timeline = await CustomerTimeline.ReadAsync(s, Id, before, CustomerTimeline.PageSize, Aborted);
        return Partial("_TimelineItems", this);
    }

    public async Task<IActionResult> OnPostNoteAsync()
    {
        RequireWrite();
        try
        {
            await using var s = OpenSession();
            if (!await CustomerExportApi.ExistsAsync(s, Id, Aborted)) return NotFound();
            await CustomerNotes.AddAsync(s, Service<ResourceRegistry>(), Service<ResourceStore>(), Id, NoteType, NoteContent, Aborted);
        }
        catch (ProblemException p) when (p.Errors is not null)
        {
            foreach (var (field, messages) in p.Errors)
                foreach (var m in messages) ModelState.AddModelError(field == "content" ? nameof(NoteContent) : nameof(NoteType), m);
            if (!await LoadAsync(null)) return NotFound();
            Response.StatusCode = 422;
            return Page();
        }
        TempData["flash"] = "Note added.";
        return Redirect($"/app/customers/{Id}#notes");
    }

    private async Task<bool> LoadAsync(KeysetCursor? before)
    {
        await using var s = OpenSession();
        var record = await CustomerRecordReader.ReadAsync(s, Id, Aborted);
        if (record is null) return false;
        Record = record;
        await s.RollbackAsync(Aborted);
        HealthExplained = await Success.Health.HealthExplanation.ReadAsync(s, Id, Aborted);
        await s.CommitAsync(Aborted);
        Timeline = await CustomerTimeline.ReadAsync(s, Id, before, CustomerTimeline.PageSize, Aborted);
        await LoadCopilotAsync(s);
        await LoadPrivacyAsync(s);
        UsageChart = LineChart(record.Usage["dau"].Count > 0 ? [("Daily active users", record.Usage["dau"]), ("Monthly active users", record.Usage["mau"])]
            : [("Adoption score", record.Usage["adoption_score"])]);
        HealthChart = LineChart([("Health score", record.Health)], max: 100);
        return true;
    }

    private static string LineChart(IReadOnlyList<(string Label, IReadOnlyList<ChartPoint> Points)> series, int? max = null)
    {
        var dates = series.SelectMany(x => x.Points.Select(p => p.Date)).Distinct().Order().ToList();
        var config = new
        {
            type = "line",
            data = new
            {
                labels = dates.Select(d => d.ToString("MMM d", CultureInfo.InvariantCulture)),
                datasets = series.Select(x =>
                {
                    var byDate = x.Points.GroupBy(p => p.Date).ToDictionary(g => g.Key, g => g.Last().Value);
                    return new { label = x.Label, data = dates.Select(d => byDate.TryGetValue(d, out var v) ? (decimal?)v : null), spanGaps = true, pointRadius = 2 };
                }),
            },
            options = new { maintainAspectRatio = false, scales = new { y = new { beginAtZero = true, max } } },
        };
        return JsonSerializer.Serialize(config, ChartJson);
    }

    private static readonly JsonSerializerOptions ChartJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static string When(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string KindLabel(string kind) => kind switch
    {
        "health_event" => "health", "risk_signal" => "risk", "sales_activity" => "sales", _ => kind,
    };
}
