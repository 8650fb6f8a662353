using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// bench import: N prospects (default 100,000) as one CSV through POST /api/v1/imports (multipart,
/// CsvHelper, natural-key upsert with validation, audit, activity feed and events; prospects are
/// written set-wise per 5,000-row chunk through a binary-COPYed staging table, docs/sales.md) against a
/// baseline that COPYs the same rows (CSV text) into prospects with raw Npgsql on the owner connection,
/// same run. Prints seconds, rows/s and the ratio.
/// </summary>
public static class ImportBench
{
    public static async Task RunAsync(int rows)
    {
        await using var db = await BenchDatabase.CreateAsync("import");
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = db.Owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
            b.Configuration["RateLimit:Burst"] = "1000000";
            b.Configuration["Billing:RunIntervalSeconds"] = "0";
            b.Configuration["Analytics:RollupEnabled"] = "false";
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromHours(1) };
        var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" });
        var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json["api_key"]!["key"]!.GetValue<string>());
        var org = Guid.Parse(json["organization"]!["id"]!.ToString());

        var csv = new StringBuilder("full_name,email,company,industry,location,status\n");
        for (var i = 0; i < rows; i++)
            csv.Append(CultureInfo.InvariantCulture, $"Prospect {i},p{i}@bench.test,Company {i % 500},Industry {i % 20},City {i % 50},new\n");
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import: {rows:N0} prospects, {bytes.Length / 1024.0 / 1024.0:0.0} MB of CSV, 500 companies, 20 industries"));

        var sw = Stopwatch.StartNew();
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(bytes), "file", "prospects.csv");
            form.Add(new StringContent("prospects"), "table");
            using var res = await http.PostAsync("/api/v1/imports", form);
            var body = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
            Console.WriteLine($"  import answered {(int)res.StatusCode}: created {body["created_count"]}, updated {body["updated_count"]}, errors {body["error_count"]}");
        }
        var importSeconds = sw.Elapsed.TotalSeconds;

        // Baseline: the same rows COPYed as CSV into prospects of another organization (companies made with SQL first).
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            var other = Guid.NewGuid();
            await new NpgsqlCommand($"INSERT INTO organizations (id, name) VALUES ('{other}', 'Baseline')", conn).ExecuteNonQueryAsync();
            await new NpgsqlCommand($"INSERT INTO industries (id, organization_id, name) SELECT gen_random_uuid(), '{other}', 'Industry ' || g FROM generate_series(0, 19) g", conn).ExecuteNonQueryAsync();
            var companies = new List<Guid>();
            await using (var cmd = new NpgsqlCommand($"INSERT INTO companies (id, organization_id, name, industry_id, size) SELECT gen_random_uuid(), '{other}', 'Company ' || g, (SELECT id FROM industries WHERE organization_id = '{other}' LIMIT 1), 'unknown' FROM generate_series(0, 499) g RETURNING id", conn))
            await using (var r = await cmd.ExecuteReaderAsync())
                while (await r.ReadAsync()) companies.Add(r.GetGuid(0));
            sw.Restart();
            await using (var w = await conn.BeginTextImportAsync("COPY prospects (id, organization_id, full_name, email, company_id, location, status) FROM STDIN (FORMAT CSV)"))
                for (var i = 0; i < rows; i++)
                    await w.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Guid.NewGuid()},{other},Prospect {i},p{i}@bench.test,{companies[i % 500]},City {i % 50},new"));
        }
        var copySeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  import {importSeconds,7:0.0} s ({rows / importSeconds,8:0} rows/s) | COPY baseline {copySeconds,6:0.0} s ({rows / copySeconds,8:0} rows/s) | import/COPY time {importSeconds / copySeconds:0.0}x (target: 100,000 in < 30 s)"));
        await app.StopAsync();
    }
}
