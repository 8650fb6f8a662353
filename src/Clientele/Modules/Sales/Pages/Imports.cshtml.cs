using System.Text.Json.Nodes;
using Clientele.Modules.Sales.Imports;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Mvc;

namespace Clientele.Modules.Sales.Pages;

/// <summary>
/// /app/imports: upload a CSV for customers, leads, companies, prospects or solutions (optional column
/// mapping, dry run), then the report: counts and each refused row with its field and reason; the
/// organization's recent imports. The same ImportRunner as POST /api/v1/imports.
/// </summary>
[RequestSizeLimit(ImportsApi.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = ImportsApi.MaxBytes + 1024 * 1024)]
public sealed class ImportsModel : ConsolePage
{
    public sealed record Row(Guid Id, string Table, string? FileName, bool DryRun, string Status, int Total, int Processed, int Created, int Updated, int Errors, DateTime At, string? Failure);
    public sealed record RowError(int Row, string Field, string Message);

    [BindProperty(SupportsGet = true, Name = "id")] public Guid? Id { get; set; }
    [BindProperty(Name = "table")] public string? Table { get; set; }
    [BindProperty(Name = "mapping")] public string? Mapping { get; set; }
    [BindProperty(Name = "dry_run")] public bool DryRun { get; set; }
    public IReadOnlyList<Row> Recent { get; private set; } = [];
    public Row? Report { get; private set; }
    public IReadOnlyList<RowError> ReportErrors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Id is not null && Report is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        RequireWrite();
        ModelState.Clear();
        try
        {
            var request = ImportsApi.Parse(Request.Form);
            var id = await Service<ImportRunner>().RunAsync(Tenant, request, null, Aborted);
            return Redirect($"/app/imports?id={id}#report-heading");
        }
        catch (ProblemException p) when (p.Status == 422)
        {
            foreach (var (field, messages) in p.Errors ?? new Dictionary<string, string[]> { ["file"] = [p.Detail ?? p.Title] })
                foreach (var m in messages) ModelState.AddModelError(field is "table" or "mapping" or "dry_run" ? field : "file", $"The {field.Replace('_', ' ')} {m}.");
        }
        Response.StatusCode = 422;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var s = OpenSession();
        const string Columns = "id, table_name, file_name, dry_run, status, total_rows, processed_rows, created_count, updated_count, error_count, created_at, failure";
        static Row Map(Npgsql.NpgsqlDataReader r) => new(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetBoolean(3), r.GetString(4), r.GetInt32(5),
            r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetDateTime(10), r.IsDBNull(11) ? null : r.GetString(11));
        Recent = await s.ReadListAsync($"SELECT {Columns} FROM imports WHERE organization_id = $1 ORDER BY created_at DESC LIMIT 20", [s.OrganizationId], Map, Aborted);
        if (Id is { } id)
        {
            Report = await s.ReadFirstAsync($"SELECT {Columns} FROM imports WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id], Map, Aborted);
            var errors = await s.ReadFirstAsync("SELECT errors::text FROM imports WHERE organization_id = $1 AND id = $2", [s.OrganizationId, id], r => r.GetString(0), Aborted);
            if (errors is not null)
                ReportErrors = JsonNode.Parse(errors)!.AsArray().Select(e => new RowError(e!["row"]!.GetValue<int>(), e["field"]!.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();
        }
        ViewData["Title"] = "Imports";
    }
}
