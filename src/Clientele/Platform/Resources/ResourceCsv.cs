using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Clientele.Platform.Resources;

/// <summary>
/// GET /api/v1/{table}.csv (or the list with Accept: text/csv): every row the list's filters and
/// order select, as CSV with the list's columns, written page by page (keyset, 200 rows at a time)
/// so memory stays bounded whatever the size. JSON cells are written as JSON text; cells a
/// spreadsheet would run as a formula (=, +, -, @) are escaped. The export is audited.
/// </summary>
public static class ResourceCsv
{
    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };

    public static bool Wanted(HttpRequest r, ref string table)
    {
        if (table.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) { table = table[..^4]; return true; }
        return r.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
    }

    public static async Task WriteAsync(HttpContext ctx, ResourceDefinition def, ResourceStore store, TenantSession s, bool isAdmin)
    {
        var ct = ctx.RequestAborted;
        var query = ctx.Request.Query.Where(kv => kv.Key is not ("limit" or "cursor" or "include")).ToDictionary(kv => kv.Key, kv => kv.Value);
        query["limit"] = ListQuery.MaxLimit.ToString(CultureInfo.InvariantCulture);
        var first = ListQuery.Parse(def, new QueryCollection(query), isAdmin); // a bad filter is a 400 before any byte is sent
        var columns = def.Output.Where(c => !c.Secret).Select(c => c.Name).ToList();

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/csv; charset=utf-8";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"{def.Table}-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        var chunk = new StringWriter(CultureInfo.InvariantCulture);
        await using var text = new StreamWriter(ctx.Response.Body, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(chunk, Config);
        foreach (var c in columns) csv.WriteField(c);
        csv.NextRecord();
        long rows = 0;
        var q = first;
        while (true)
        {
            var page = JsonNode.Parse((await store.ListAsync(s, def, q, ct)).Json)!;
            foreach (var row in page["data"]!.AsArray())
            {
                foreach (var c in columns) csv.WriteField(Cell(row![c]));
                csv.NextRecord();
                rows++;
            }
            await csv.FlushAsync();
            var sb = chunk.GetStringBuilder();
            await text.WriteAsync(sb, ct);
            await text.FlushAsync(ct);
            sb.Clear();
            if (page["next_cursor"]?.GetValue<string>() is not { } cursor) break;
            query["cursor"] = new StringValues(cursor);
            q = ListQuery.Parse(def, new QueryCollection(query), isAdmin);
        }
        await Audit.AuditWriter.WriteAsync(s, def.Table, null, "export", new JsonObject
        {
            ["format"] = "csv", ["rows"] = rows, ["filter"] = new JsonObject(query.Where(kv => kv.Key is not ("limit" or "cursor")).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToString()))),
        }, ct);
        await s.CommitAsync(ct);
    }

    private static string? Cell(JsonNode? v) => v switch
    {
        null => null,
        JsonValue x when x.GetValueKind() == JsonValueKind.String => x.GetValue<string>(),
        _ => v.ToJsonString(),
    };
}
