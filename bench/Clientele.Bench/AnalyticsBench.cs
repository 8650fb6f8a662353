using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Bench;

/// <summary>
/// Issue 14's targets. analytics-ingest: events/s through POST /api/v1/analytics_events/batch
/// (1,000 per batch, a few concurrent clients, client ids, so the idempotency check is paid)
/// against a baseline that binary-COPYs the same rows into analytics_events on the owner
/// connection, in the same run: target ≥ 20,000 events/s and ratio ≥ 0.5. analytics-rollup: a
/// month of N product events (default 10 million) rolled up by AnalyticsRollup (all four rollups, one
/// set-based statement per table over the 30 days), against one raw GROUP BY over the same events:
/// target under 60 s.
/// </summary>
public static class AnalyticsBench
{
    private const int BatchSize = 1000;
    private const int Customers = 200;
    private static readonly string[] Features = ["inbox", "reports", "whatsapp_flows", "exports", "api"];

    private static async Task<(WebApplication App, HttpClient Http, Guid Org)> StartAsync(string owner)
    {
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
            b.Configuration["RateLimit:Burst"] = "1000000";
            b.Configuration["Billing:RunIntervalSeconds"] = "0";
            b.Configuration["Analytics:RollupEnabled"] = "false";
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" });
        var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json["api_key"]!["key"]!.GetValue<string>());
        return (app, http, Guid.Parse(json["organization"]!["id"]!.ToString()));
    }

    private static async Task<Guid[]> CustomersAsync(string owner, Guid org)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO customers (id, organization_id, email) SELECT gen_random_uuid(), $1, 'c' || g || '@bench.test' FROM generate_series(1, $2) g RETURNING id", conn);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(Customers);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids.ToArray();
    }

    private static string Properties(Guid[] customers, long n) =>
        $$"""{"customer_id": "{{customers[n % customers.Length]}}", "feature": "{{Features[n % Features.Length]}}", "n": {{n}}}""";

    public static async Task IngestAsync(int batches, int workers)
    {
        await using var db = await BenchDatabase.CreateAsync("analytics");
        var (app, http, org) = await StartAsync(db.Owner);
        await using var _ = app;
        using var __ = http;
        var customers = await CustomersAsync(db.Owner, org);
        var now = DateTime.UtcNow;
        // The client writes each body straight to UTF-8 (what an SDK that batches events does), so the client's own
        // JSON work is as cheap as the baseline's row writing and the run measures the endpoint.
        ByteArrayContent Batch(int b) => JsonBodies.Write(w =>
        {
            w.WriteStartArray("events");
            for (var i = 0; i < BatchSize; i++)
            {
                var n = (long)b * BatchSize + i;
                w.WriteStartObject();
                w.WriteString("id", Guid.CreateVersion7());
                w.WriteString("event_type", n % 3 == 0 ? "feature_used" : "page_viewed");
                w.WriteStartObject("properties");
                w.WriteString("customer_id", customers[n % customers.Length]);
                w.WriteString("feature", Features[n % Features.Length]);
                w.WriteNumber("n", n);
                w.WriteEndObject();
                w.WriteString("created_at", now.AddSeconds(-(n % 86400)));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        (await http.PostAsync("/api/v1/analytics_events/batch", Batch(batches))).EnsureSuccessStatusCode(); // warm up
        Console.WriteLine($"analytics-ingest: {batches} batches of {BatchSize} events, {workers} concurrent clients, {Environment.ProcessorCount} cores");

        var next = -1;
        var errors = 0;
        await db.ResetStatementsAsync();
        var (app0, pg0) = (Process.GetCurrentProcess().TotalProcessorTime, db.PostgresCpu());
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                using var res = await http.PostAsync("/api/v1/analytics_events/batch", Batch(b));
                if (!res.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        }));
        var apiRate = batches * BatchSize / sw.Elapsed.TotalSeconds;
        // CPU per 1,000 events does not depend on what else runs on the machine (the rates do): this process is client and server.
        var (apiApp, apiPg) = (Process.GetCurrentProcess().TotalProcessorTime - app0, db.PostgresCpu() - pg0);
        await db.PrintTopStatementsAsync(8, batches, "batch of 1,000");
        (app0, pg0) = (Process.GetCurrentProcess().TotalProcessorTime, db.PostgresCpu());

        // Baseline: the same rows, binary COPY with raw Npgsql, the same number of concurrent writers.
        next = -1;
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            await using var conn = new NpgsqlConnection(db.Owner);
            await conn.OpenAsync();
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
                await CopyAsync(conn, org, customers, (long)b * BatchSize, BatchSize, n => now.AddSeconds(-(n % 86400)));
        }));
        var copyRate = batches * BatchSize / sw.Elapsed.TotalSeconds;
        var (copyApp, copyPg) = (Process.GetCurrentProcess().TotalProcessorTime - app0, db.PostgresCpu() - pg0);
        double PerBatch(TimeSpan t) => t.TotalMilliseconds / batches;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  batch endpoint {apiRate,9:0} events/s (errors {errors}) | COPY baseline {copyRate,9:0} events/s | ratio {apiRate / copyRate:0.00} (targets: >= 20000 events/s, ratio >= 0.5)\n" +
            $"  CPU per 1,000 events: endpoint app {PerBatch(apiApp):0} ms + PostgreSQL {PerBatch(apiPg):0} ms | COPY app {PerBatch(copyApp):0} ms + PostgreSQL {PerBatch(copyPg):0} ms"));
        await app.StopAsync();
    }

    public static async Task RollupAsync(long events)
    {
        await using var db = await BenchDatabase.CreateAsync("analytics_rollup");
        var (app, http, org) = await StartAsync(db.Owner);
        await using var _ = app;
        using var __ = http;
        var customers = await CustomersAsync(db.Owner, org);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-30);
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        Console.WriteLine($"analytics-rollup: {events:N0} events over the 30 days {from:yyyy-MM-dd}..{today.AddDays(-1):yyyy-MM-dd}, {Environment.ProcessorCount} cores");
        var sw = Stopwatch.StartNew();
        // Set-based load: the same rows the ingest bench COPYs (properties {"customer_id", "feature", "n"}), generated by
        // PostgreSQL in chunks of 500,000 by 4 connections; event n is at from + n * (30 days / N).
        const long Chunk = 500_000;
        var next = -1L;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var conn = new NpgsqlConnection(db.Owner);
            await conn.OpenAsync();
            long c;
            while ((c = Interlocked.Increment(ref next)) * Chunk < events)
            {
                await using var cmd = new NpgsqlCommand("""
                    INSERT INTO analytics_events (id, organization_id, event_type, properties, created_at)
                    SELECT gen_random_uuid(), $1, CASE WHEN g % 3 = 0 THEN 'feature_used' ELSE 'page_viewed' END,
                           jsonb_build_object('customer_id', ($2::uuid[])[1 + g % $3], 'feature', ($4::text[])[1 + g % $5], 'n', g),
                           $6::timestamptz + make_interval(secs => g * $7::float8)
                    FROM generate_series($8::bigint, $9::bigint) g
                    """, conn) { CommandTimeout = 0 };
                cmd.Parameters.AddWithValue(org);
                cmd.Parameters.AddWithValue(customers);
                cmd.Parameters.AddWithValue(customers.Length);
                cmd.Parameters.AddWithValue(Features);
                cmd.Parameters.AddWithValue(Features.Length);
                cmd.Parameters.AddWithValue(start);
                cmd.Parameters.AddWithValue(TimeSpan.FromDays(30).TotalSeconds / events);
                cmd.Parameters.AddWithValue(c * Chunk);
                cmd.Parameters.AddWithValue(Math.Min(events, (c + 1) * Chunk) - 1);
                await cmd.ExecuteNonQueryAsync();
            }
        }));
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand("VACUUM ANALYZE analytics_events", conn).ExecuteNonQueryAsync();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loaded with INSERT ... SELECT generate_series (4 connections) and VACUUM ANALYZE in {sw.Elapsed.TotalSeconds:0.0} s"));

        // Baseline: one raw aggregate over the same events (what feature_usage needs), owner connection, no RLS.
        sw.Restart();
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT (created_at AT TIME ZONE 'UTC')::date, properties->>'customer_id', coalesce(properties->>'feature', event_type), count(*), max(created_at)
                FROM analytics_events WHERE organization_id = $1 AND created_at >= $2 AND created_at < $3 GROUP BY 1, 2, 3
                """, conn) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue(org);
            cmd.Parameters.AddWithValue(start);
            cmd.Parameters.AddWithValue(today.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
        }
        var raw = sw.Elapsed.TotalSeconds;

        sw.Restart();
        var rollup = app.Services.GetRequiredService<AnalyticsRollup>();
        var days = await rollup.RunAsync(new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner }, from, today.AddDays(-1), CancellationToken.None);
        var took = sw.Elapsed.TotalSeconds;
        long rows;
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT coalesce(sum(usage_count), 0) FROM feature_usage WHERE organization_id = $1", conn);
            cmd.Parameters.AddWithValue(org);
            rows = Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  rollup of {days} days {took,7:0.0} s ({rows:N0} uses counted) | raw GROUP BY {raw,7:0.0} s | rollup/raw {took / raw:0.00} (target: < 60 s)"));
        await app.StopAsync();
    }

    private static async Task CopyAsync(NpgsqlConnection conn, Guid org, Guid[] customers, long first, int count, Func<long, DateTime> at)
    {
        await using var w = await conn.BeginBinaryImportAsync(
            "COPY analytics_events (id, organization_id, event_type, properties, created_at) FROM STDIN (FORMAT BINARY)");
        for (var n = first; n < first + count; n++)
        {
            await w.StartRowAsync();
            await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await w.WriteAsync(org, NpgsqlDbType.Uuid);
            await w.WriteAsync(n % 3 == 0 ? "feature_used" : "page_viewed", NpgsqlDbType.Varchar);
            await w.WriteAsync(Properties(customers, n), NpgsqlDbType.Jsonb);
            await w.WriteAsync(at(n), NpgsqlDbType.TimestampTz);
        }
        await w.CompleteAsync();
    }
}
