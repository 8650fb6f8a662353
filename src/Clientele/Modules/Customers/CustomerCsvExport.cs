using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Audit;
using Clientele.Platform.Database;
using CsvHelper;
using CsvHelper.Configuration;

namespace Clientele.Modules.Customers;

/// <summary>
/// Every customer that matches a filter as CSV, in the table's order, streamed row by row from
/// the database reader to the response (never one page, never the whole set in memory). Cells
/// that a spreadsheet would run as a formula (=, +, -, @) are escaped. The export is audited
/// (action export, with the filter and the row count) in the same transaction as the read.
/// </summary>
public static class CustomerCsvExport
{
    public static readonly string[] Header =
        ["id", "name", "email", "company_name", "plan", "mrr", "arr", "health_score", "churn_risk", "renewal_date", "csm_name", "csm_email", "segment", "stage", "created_at"];

    private static readonly CsvConfiguration Config = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };

    public static string FileName(DateTimeOffset now) => $"customers-{now:yyyyMMdd-HHmm}.csv";

    public static async Task<long> WriteAsync(TenantSession s, CustomerFilter f, Stream output, CancellationToken ct)
    {
        var p = new SqlParameters();
        var sql = $"""
            SELECT c.id, c.name, c.email, c.company_name, c.plan, c.mrr, c.arr, c.health_score, c.churn_risk, c.renewal_date, u.name, u.email,
                   c.segment, c.stage, c.created_at
            FROM customers c LEFT JOIN users u ON u.organization_id = c.organization_id AND u.id = c.csm_id
            WHERE {f.Where(p, s.OrganizationId)} ORDER BY {f.OrderBy}
            """;
        long rows = 0;
        // CsvWriter writes synchronously: it fills an in-memory chunk that goes out asynchronously
        // every few hundred rows (Kestrel refuses synchronous writes, and memory stays bounded).
        var chunk = new StringWriter(CultureInfo.InvariantCulture);
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 16 * 1024, leaveOpen: true);
        await using var csv = new CsvWriter(chunk, Config);
        async Task DrainAsync()
        {
            await csv.FlushAsync();
            var sb = chunk.GetStringBuilder();
            await text.WriteAsync(sb, ct);
            await text.FlushAsync(ct);
            sb.Clear();
        }
        foreach (var h in Header) csv.WriteField(h);
        csv.NextRecord();
        await using (var cmd = await s.CommandAsync(sql, ct))
        {
            cmd.Parameters.AddRange(p.List.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                for (var i = 0; i < r.FieldCount; i++) csv.WriteField(Cell(r.IsDBNull(i) ? null : r.GetValue(i)));
                csv.NextRecord();
                if (++rows % 500 == 0) await DrainAsync();
            }
        }
        await DrainAsync();
        await AuditWriter.WriteAsync(s, "customers", null, "export", new JsonObject
        {
            ["format"] = "csv", ["rows"] = rows, ["filter"] = JsonFilter(f),
        }, ct);
        await s.CommitAsync(ct);
        return rows;
    }

    private static JsonObject JsonFilter(CustomerFilter f)
    {
        var o = new JsonObject();
        foreach (var (k, v) in f.ToQuery()) if (v is not null) o[k] = v;
        return o;
    }

    private static string? Cell(object? v) => v switch
    {
        null => null,
        DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };
}
