using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Renewal;
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
/// Issue 10's targets. usage-ingest: events/s through POST /api/v1/usage_events/batch (1,000 per
/// batch, a few concurrent clients) against a baseline that COPYs the same rows into usage_events
/// with raw Npgsql (binary import, owner connection), in the same run: target ≥ 20,000 events/s
/// and ratio ≥ 0.5. renewal-run: N subscriptions whose period ended renewed by one billing run
/// (one invoice each, numbered and finalized) against a baseline of one bare transaction per
/// subscription (lock its row, commit) at the same parallelism: target 100,000 in under 60 s.
/// </summary>
public static class BillingBench
{
    private const int Customers = 200;
    private const int BatchSize = 1000;

    private static async Task<(WebApplication App, HttpClient Http, Guid Org)> StartAsync(string owner, bool outbox = true)
    {
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
            b.Configuration["RateLimit:Burst"] = "1000000";
            b.Configuration["Billing:RunIntervalSeconds"] = "0";
            if (!outbox) b.Configuration["Outbox:Enabled"] = "false";
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" });
        var json = JsonNode.Parse(await signup.Content.ReadAsStringAsync())!;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json["api_key"]!["key"]!.GetValue<string>());
        return (app, http, Guid.Parse(json["organization"]!["id"]!.ToString()));
    }

    private static async Task<Guid[]> CustomersAsync(string owner, Guid org, int n)
    {
        await using var conn = new NpgsqlConnection(owner);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO customers (id, organization_id, email) SELECT gen_random_uuid(), $1, 'c' || g || '@bench.test' FROM generate_series(1, $2) g RETURNING id", conn);
        cmd.Parameters.AddWithValue(org);
        cmd.Parameters.AddWithValue(n);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids.ToArray();
    }

    public static async Task UsageIngestAsync(int batches, int workers)
    {
        await using var db = await BenchDatabase.CreateAsync("usage");
        var (app, http, org) = await StartAsync(db.Owner);
        await using var _ = app;
        using var __ = http;
        var customers = await CustomersAsync(db.Owner, org, Customers);
        var now = DateTime.UtcNow;
        // The body is written straight to UTF-8 (as a batching SDK does): the client's JSON work stays as cheap as
        // the baseline's row writing, so the run measures the endpoint.
        ByteArrayContent Batch(int b) => JsonBodies.Write(w =>
        {
            w.WriteStartArray("events");
            for (var i = 0; i < BatchSize; i++)
            {
                w.WriteStartObject();
                w.WriteString("customer_id", customers[(b * BatchSize + i) % customers.Length]);
                w.WriteString("event_type", i % 3 == 0 ? "message_sent" : "api_call");
                w.WriteNumber("quantity", 1 + i % 5);
                w.WriteString("unit", "calls");
                w.WriteString("timestamp", now.AddSeconds(-(b * BatchSize + i) % 86400));
                w.WriteString("idempotency_id", $"evt-{b}-{i}");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
        (await http.PostAsync("/api/v1/usage_events/batch", Batch(batches))).EnsureSuccessStatusCode(); // warm up (ids beyond the measured batches)
        Console.WriteLine($"usage-ingest: {batches} batches of {BatchSize} events, {workers} concurrent clients, {Environment.ProcessorCount} cores");

        var next = -1;
        var sw = Stopwatch.StartNew();
        var errors = 0;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                using var res = await http.PostAsync("/api/v1/usage_events/batch", Batch(b));
                if (!res.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        }));
        var apiRate = batches * BatchSize / sw.Elapsed.TotalSeconds;

        // Baseline: the same rows, binary COPY with raw Npgsql, the same number of concurrent writers.
        next = -1;
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            await using var conn = new NpgsqlConnection(db.Owner);
            await conn.OpenAsync();
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                await using var w = await conn.BeginBinaryImportAsync(
                    "COPY usage_events (id, organization_id, customer_id, event_type, quantity, unit, \"timestamp\", idempotency_id) FROM STDIN (FORMAT BINARY)");
                for (var i = 0; i < BatchSize; i++)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await w.WriteAsync(org, NpgsqlDbType.Uuid);
                    await w.WriteAsync(customers[(b * BatchSize + i) % customers.Length], NpgsqlDbType.Uuid);
                    await w.WriteAsync(i % 3 == 0 ? "message_sent" : "api_call", NpgsqlDbType.Varchar);
                    await w.WriteAsync(1 + i % 5, NpgsqlDbType.Integer);
                    await w.WriteAsync("calls", NpgsqlDbType.Varchar);
                    await w.WriteAsync(now.AddSeconds(-(b * BatchSize + i) % 86400), NpgsqlDbType.TimestampTz);
                    await w.WriteAsync($"copy-{b}-{i}", NpgsqlDbType.Varchar);
                }
                await w.CompleteAsync();
            }
        }));
        var copyRate = batches * BatchSize / sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  batch endpoint {apiRate,9:0} events/s (errors {errors}) | COPY baseline {copyRate,9:0} events/s | ratio {apiRate / copyRate:0.00} (targets: >= 20000 events/s, ratio >= 0.5)"));
        await app.StopAsync();
    }

    public static async Task RenewalRunAsync(int subscriptions)
    {
        await using var db = await BenchDatabase.CreateAsync("renewal");
        // Outbox workers off: the run writes its invoices, lines, numbers and events (domain_events rows and the
        // dispatch row) in its own transactions; what those events set off afterwards (every renewed customer's
        // health recomputation, ~100 ms each) is background work measured by its own bench, not the renewal.
        var (app, http, org) = await StartAsync(db.Owner, outbox: false);
        await using var _ = app;
        using var __ = http;
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            // One statement per command: PostgreSQL refuses several in one parameterized (prepared) command.
            string[] setup =
            [
                """
                INSERT INTO plans (id, organization_id, code, billing_cycle, name, base_price, price_per_seat, usage_pricing)
                VALUES (gen_random_uuid(), $1, 'premium', 'monthly', 'Premium', 99, 19, '[{"event_type": "api_call", "included": 100, "unit_price": 0.01}]')
                """,
                "INSERT INTO customers (id, organization_id, email) SELECT gen_random_uuid(), $1, 'r' || g || '@bench.test' FROM generate_series(1, $2) g",
                """
                INSERT INTO subscriptions (id, organization_id, customer_id, plan, billing_cycle, seats_total, status, current_period_start, current_period_end)
                  SELECT gen_random_uuid(), $1, c.id, 'premium', 'monthly', 3, 'active', now() - interval '1 month' - interval '1 hour', now() - interval '1 hour'
                  FROM customers c WHERE c.organization_id = $1
                """,
            ];
            // Set-based statements (no per-row round trips); each step's time is printed as it ends, so a
            // slow setup shows where its time goes (the subscriptions' triggers derive MRR and customers' sums).
            string[] steps = ["plan", "customers", "subscriptions"];
            var setupClock = Stopwatch.StartNew();
            for (var i = 0; i < setup.Length; i++)
            {
                var step = Stopwatch.StartNew();
                await using var cmd = new NpgsqlCommand(setup[i], conn) { CommandTimeout = 3600 };
                cmd.Parameters.AddWithValue(org);
                if (setup[i].Contains("$2", StringComparison.Ordinal)) cmd.Parameters.AddWithValue(subscriptions);
                var rows = await cmd.ExecuteNonQueryAsync();
                // Fresh statistics before the next step: the subscriptions' statement trigger joins the
                // 100,000 new rows to customers, and with "customers is empty" stats the planner picks a
                // nested loop over a sequential scan (minutes instead of seconds).
                await new NpgsqlCommand("ANALYZE customers, subscriptions, plans", conn) { CommandTimeout = 3600 }.ExecuteNonQueryAsync();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup {steps[i]}: {rows} rows in {step.Elapsed.TotalSeconds:0.0} s"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup total {setupClock.Elapsed.TotalSeconds:0.0} s (not part of the measured run)"));
        }
        var runs = app.Services.GetRequiredService<BillingRuns>();
        var tenant = new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner };
        Console.WriteLine($"renewal-run: {subscriptions} subscriptions due, parallelism {runs.Parallelism}, {Environment.ProcessorCount} cores");

        // Baseline, same run: the floor of one transaction per subscription at the same parallelism
        // (tenant session, the subscription row locked, commit) without the renewal's work.
        var sessions = app.Services.GetRequiredService<TenantSessions>();
        List<Guid> ids;
        await using (var s = sessions.Open(tenant))
            ids = (await s.QueryAsync<Guid>("SELECT id FROM subscriptions WHERE organization_id = @org", new { org }, CancellationToken.None)).ToList();
        var floor = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = runs.Parallelism }, async (id, ct) =>
        {
            await using var s = sessions.Open(tenant);
            await s.ExecuteAsync("SELECT 1 FROM subscriptions WHERE organization_id = @org AND id = @id FOR UPDATE", new { org, id }, ct);
            await s.CommitAsync(ct);
        });
        var baseline = floor.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  baseline: {ids.Count} transactions (lock the subscription, commit) in {baseline.TotalSeconds:0.0} s ({ids.Count / baseline.TotalSeconds:0}/s)"));

        await db.ResetStatementsAsync();
        var sw = Stopwatch.StartNew();
        var r = await runs.RunForAsync(tenant, DateTime.UtcNow, CancellationToken.None);
        var elapsed = sw.Elapsed;
        await db.PrintTopStatementsAsync(12, Math.Max(1, r.Renewed / 1000), "1,000 renewals");
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            var invoices = (long)(await new NpgsqlCommand($"SELECT count(DISTINCT invoice_number) FROM invoices WHERE organization_id = '{org}' AND billing_reason = 'subscription_cycle'", conn).ExecuteScalarAsync())!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  renewed {r.Renewed} in {elapsed.TotalSeconds:0.0} s ({r.Renewed / elapsed.TotalSeconds:0} subscriptions/s), {invoices} distinct invoice numbers; ratio renewal/baseline {elapsed / baseline:0.0}x (target: 100000 in < 60 s)"));
        }
        await app.StopAsync();
    }
}
