using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// Issue 2's target: the resource API reaches at least 60% of the throughput of a baseline
/// endpoint that runs the same SELECT with raw Npgsql (owner connection, no auth, no RLS, no
/// middleware) and writes the JSON by hand. Both are measured in this process, alternately.
/// </summary>
public static class ResourceApiBench
{
    private const int Customers = 1000;
    private const int Workers = 32;

    public static async Task RunAsync(TimeSpan round)
    {
        var home = Path.Combine(Path.GetTempPath(), "clientele-bench-" + Environment.ProcessId);
        var pg = new LocalPostgres(home);
        await pg.EnsureStartedAsync();
        try
        {
            await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres")))
            {
                await admin.OpenAsync();
                await new NpgsqlCommand("CREATE DATABASE bench", admin).ExecuteNonQueryAsync();
            }
            var owner = pg.ConnectionString("bench");
            await using var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
            {
                b.Configuration["ConnectionStrings:Clientele"] = owner;
                b.Configuration["Logging:Json"] = "false";
                b.Configuration["Logging:LogLevel:Default"] = "Warning";
                b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
                b.Configuration["RateLimit:Burst"] = "1000000";
            });
            await app.StartAsync();
            var apiUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

            await using var baseline = await StartBaselineAsync(owner);
            var baselineUrl = baseline.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers }) { BaseAddress = new Uri(apiUrl) };
            var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" });
            var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
            var org = Guid.Parse(json["organization"]!["id"]!.ToString().Trim('"'));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json["api_key"]!["key"]!.GetValue<string>());
            var ids = await SeedAsync(owner, org);

            using var baseHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Workers }) { BaseAddress = new Uri(baselineUrl) };
            (await http.GetAsync($"/api/v1/customers/{ids[0]}")).EnsureSuccessStatusCode();
            (await baseHttp.GetAsync($"/baseline/customers/{ids[0]}?org={org}")).EnsureSuccessStatusCode();

            Console.WriteLine($"Resource API vs raw Npgsql baseline: {Customers} customers, {Workers} concurrent clients, {round.TotalSeconds:0} s rounds, {Environment.ProcessorCount} cores");
            var scenarios = new (string Name, Func<int, string> Api, Func<int, string> Base)[]
            {
                ("GET /customers/{id}", i => $"/api/v1/customers/{ids[i % ids.Length]}", i => $"/baseline/customers/{ids[i % ids.Length]}?org={org}"),
                ("GET /customers?limit=50", _ => "/api/v1/customers?limit=50", _ => $"/baseline/customers?limit=50&org={org}"),
            };
            foreach (var (name, api, basePath) in scenarios)
            {
                await LoadDriver.RunAsync(http, api, TimeSpan.FromSeconds(2), Workers);        // warm up
                await LoadDriver.RunAsync(baseHttp, basePath, TimeSpan.FromSeconds(2), Workers);
                var apiRuns = new List<LoadDriver.Result>();
                var baseRuns = new List<LoadDriver.Result>();
                for (var r = 0; r < 2; r++) // alternate so drift hits both equally
                {
                    baseRuns.Add(await LoadDriver.RunAsync(baseHttp, basePath, round, Workers));
                    apiRuns.Add(await LoadDriver.RunAsync(http, api, round, Workers));
                }
                var a = apiRuns.MaxBy(x => x.RequestsPerSecond)!;
                var b = baseRuns.MaxBy(x => x.RequestsPerSecond)!;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-26} resource API {a.RequestsPerSecond,8:0} req/s (p50 {a.P50Ms:0.0} ms, p99 {a.P99Ms:0.0} ms, errors {a.Errors})" +
                    $" | baseline {b.RequestsPerSecond,8:0} req/s (p50 {b.P50Ms:0.0} ms, p99 {b.P99Ms:0.0} ms) | ratio {a.RequestsPerSecond / b.RequestsPerSecond:0.00} (target >= 0.60)"));
            }
            await app.StopAsync();
            await baseline.StopAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await pg.StopAsync();
            try { Directory.Delete(home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<Guid[]> SeedAsync(string owner, Guid org)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        var ids = new List<Guid>();
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO customers (id, organization_id, email, name, plan, company_name, mrr, health_score, churn_risk, country, stage, renewal_date, metadata)
            SELECT gen_random_uuid(), $1, 'c' || g || '@bench.test', 'Customer ' || g, 'premium', 'Company ' || g, 100 + g, g % 101, (g % 100) / 100.0, 'US', 'active',
                   current_date + g % 365, '{"source": "bench"}'
            FROM generate_series(1, $2) g
            RETURNING id
            """, conn))
        {
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(Customers);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        }
        await new NpgsqlCommand("ANALYZE customers", conn).ExecuteNonQueryAsync();
        return ids.ToArray();
    }

    private const string Columns = "id, organization_id, email, name, plan, company_name, company_size, industry, mrr, ltv, arr, health_score, churn_risk, nps_score, " +
        "lead_source, country, timezone, language, stage, csm_id, salesforce_id, hubspot_id, segment, renewal_date, metadata, extra_metadata, created_at, updated_at, " +
        "created_by, updated_by, deleted_at, deleted_by, renewal_date - current_date AS days_until_renewal, coalesce(health_score < 50 AND churn_risk > 0.7, false) AS is_at_risk";

    /// <summary>The same SELECTs with raw Npgsql and a hand-written JSON row: no auth, no RLS, no framework layers.</summary>
    private static async Task<WebApplication> StartBaselineAsync(string owner)
    {
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        var app = b.Build();
        var ds = NpgsqlDataSource.Create(owner);
        app.MapGet("/baseline/customers/{id:guid}", async (Guid id, Guid org, HttpContext ctx) =>
        {
            await using var cmd = ds.CreateCommand($"SELECT {Columns} FROM customers WHERE organization_id = $1 AND id = $2 AND deleted_at IS NULL");
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            if (!await r.ReadAsync(ctx.RequestAborted)) return Results.NotFound();
            ctx.Response.ContentType = "application/json";
            await using var w = new Utf8JsonWriter(ctx.Response.Body);
            WriteRow(w, r);
            await w.FlushAsync(ctx.RequestAborted);
            return Results.Empty;
        });
        app.MapGet("/baseline/customers", async (Guid org, int limit, HttpContext ctx) =>
        {
            await using var cmd = ds.CreateCommand($"SELECT {Columns} FROM customers WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY id DESC LIMIT $2");
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(limit + 1);
            await using var r = await cmd.ExecuteReaderAsync(ctx.RequestAborted);
            ctx.Response.ContentType = "application/json";
            await using var w = new Utf8JsonWriter(ctx.Response.Body);
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            var n = 0;
            while (await r.ReadAsync(ctx.RequestAborted) && n++ < limit) WriteRow(w, r);
            w.WriteEndArray();
            w.WriteBoolean("has_more", n > limit);
            w.WriteEndObject();
            await w.FlushAsync(ctx.RequestAborted);
            return Results.Empty;
        });
        await app.StartAsync();
        return app;
    }

    private static void WriteRow(Utf8JsonWriter w, NpgsqlDataReader r)
    {
        w.WriteStartObject();
        for (var i = 0; i < r.FieldCount; i++)
        {
            w.WritePropertyName(r.GetName(i));
            if (r.IsDBNull(i)) { w.WriteNullValue(); continue; }
            switch (r.GetValue(i))
            {
                case Guid g: w.WriteStringValue(g); break;
                case string s: w.WriteStringValue(s); break;
                case int n: w.WriteNumberValue(n); break;
                case decimal d: w.WriteNumberValue(d); break;
                case bool x: w.WriteBooleanValue(x); break;
                case DateTime t: w.WriteStringValue(t); break;
                case DateOnly d0: w.WriteStringValue(d0.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                default: w.WriteStringValue(r.GetValue(i).ToString()); break;
            }
        }
        w.WriteEndObject();
    }
}
