using System.CommandLine;
using System.Text.Json.Nodes;
using Clientele.Platform.Auth;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Clientele.Modules.Sales.Imports;

/// <summary>
/// clientele import --organization ID --table prospects --file list.csv [--mapping JSON] [--dry-run]:
/// the same import as POST /api/v1/imports, run in-process with a progress bar (Spectre.Console),
/// then the counts and the first refused rows.
/// </summary>
public static class ImportCommand
{
    private sealed class ProgressSink(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }

    public static Command Create(Func<Func<IServiceProvider, Task<int>>, Task<int>> withApp)
    {
        var org = new Option<Guid>("--organization") { Description = "Organization id", Required = true };
        var table = new Option<string>("--table") { Description = "customers, leads, companies, prospects or solutions", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "The CSV file (first line: the column names)", Required = true };
        var mapping = new Option<string?>("--mapping") { Description = "JSON {\"CSV header\": \"column\" or null}" };
        var dry = new Option<bool>("--dry-run") { Description = "Report what the import would do; save nothing" };
        var command = new Command("import", "Import a CSV file into customers, leads, companies, prospects or solutions (upsert by natural key) with a progress bar.") { org, table, file, mapping, dry };
        command.SetAction(async (p, ct) => await withApp(async sp =>
        {
            var path = p.GetValue(file)!;
            if (!path.Exists) { AnsiConsole.MarkupLine($"[red]No file {Markup.Escape(path.FullName)}[/]"); return 2; }
            var tenant = new TenantContext { OrganizationId = p.GetValue(org), ActorType = "system", Role = Roles.Owner };
            using var scope = sp.CreateScope();
            var runner = scope.ServiceProvider.GetRequiredService<ImportRunner>();
            var sessions = scope.ServiceProvider.GetRequiredService<TenantSessions>();
            try
            {
                JsonObject? map = p.GetValue(mapping) is { Length: > 0 } m ? JsonNode.Parse(m) as JsonObject : null;
                ImportFile csv;
                await using (var stream = path.OpenRead()) csv = ImportFile.Read(stream);
                var request = new ImportRunner.Request(p.GetValue(table)!, csv, map, p.GetValue(dry), path.Name);
                var id = Guid.Empty;
                await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"{(request.DryRun ? "Dry run" : "Importing")} {csv.Rows.Count:N0} rows into {request.Table}", maxValue: Math.Max(1, csv.Rows.Count));
                        id = await runner.RunAsync(tenant, request, new ProgressSink(x => task.Value = x.Processed), ct);
                        task.Value = task.MaxValue;
                    });
                await using var s = sessions.Open(tenant);
                var row = await s.QueryFirstAsync("SELECT created_count, updated_count, error_count, errors::text FROM imports WHERE organization_id = $1 AND id = $2",
                    [tenant.OrganizationId, id], r => (Created: r.GetInt32(0), Updated: r.GetInt32(1), Errors: r.GetInt32(2), List: r.GetString(3)), ct);
                AnsiConsole.MarkupLine($"Import [bold]{id}[/]{(request.DryRun ? " (dry run, nothing saved)" : "")}:");
                AnsiConsole.MarkupLine($"{row.Created:N0} {(request.DryRun ? "to create" : "created")}, {row.Updated:N0} {(request.DryRun ? "to update" : "updated")}, {row.Errors:N0} refused.");
                foreach (var e in JsonNode.Parse(row.List ?? "[]")!.AsArray().Take(20))
                    AnsiConsole.MarkupLine($"  row {e!["row"]}: [yellow]{Markup.Escape(e["field"]!.ToString())}[/] {Markup.Escape(e["message"]!.ToString())}");
                return 0;
            }
            catch (ProblemException e)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Detail ?? e.Title)}[/]");
                if (e.Errors is not null) foreach (var (f, ms) in e.Errors) foreach (var m in ms) AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(f)}[/] {Markup.Escape(m)}");
                return 2;
            }
            catch (System.Text.Json.JsonException)
            {
                AnsiConsole.MarkupLine("[red]--mapping is not valid JSON.[/]");
                return 2;
            }
        }));
        return command;
    }
}
