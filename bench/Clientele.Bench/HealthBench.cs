using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Modules.Success.Health;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Clientele.Bench;

/// <summary>
/// Issue 11's target. health: the nightly health sweep (HealthSweep.RunForAsync: every customer of the
/// organization, in chunks of Success:HealthSweepChunk) over N customers with a year of daily
/// usage_metrics each (and a subscription, a primary contact, some conversations and invoices),
/// against the raw aggregate SQL it needs in the same run: HealthEvidence.Sql over the same chunks,
/// read and nothing written. Target: 100,000 customers in under 60 s, ratio (raw SQL time / sweep
/// time) ≥ 0.5. The first sweep writes everything (scores, history, segments, signals, events); a
/// second sweep is the steady state (nothing changed), and a third is the next night: a new day of
/// usage for every customer, the windows a day later, with its own raw baseline.
/// </summary>
public static class HealthBench
{
    public static async Task RunAsync(int customers)
    {
        await using var db = await BenchDatabase.CreateAsync("health");
        var app = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = db.Owner;
            b.Configuration["Logging:Json"] = "false";
            b.Configuration["Logging:LogLevel:Default"] = "Warning";
            b.Configuration["RateLimit:PermitsPerSecond"] = "1000000";
            b.Configuration["RateLimit:Burst"] = "1000000";
            b.Configuration["Billing:RunIntervalSeconds"] = "0";
        });
        await using var _ = app;
        await app.StartAsync();
        var url = app.Urls.First();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var signup = await http.PostAsJsonAsync("/api/v1/signup", new { organization_name = "Bench", name = "Bench Owner", email = "bench@bench.test", password = "bench password" });
        var org = Guid.Parse(JsonNode.Parse(await signup.Content.ReadAsStringAsync())!["organization"]!["id"]!.ToString());

        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            // Set-based loading, one statement per step (hashes of the customer number vary the accounts:
            // a tenth decline 60% in the last week, a twentieth stopped logging in, some have overdue invoices).
            (string Step, string Sql)[] setup =
            [
                ("plan", "INSERT INTO plans (id, organization_id, code, billing_cycle, name, base_price, price_per_seat) VALUES (gen_random_uuid(), $1, 'premium', 'monthly', 'Premium', 99, 19)"),
                ("customers", """
                    INSERT INTO customers (id, organization_id, email, company_name, stage, renewal_date, nps_score)
                    SELECT gen_random_uuid(), $1, 'h' || g || '@bench.test', 'Account ' || g, 'active', current_date + (g % 400), (g % 21) * 10 - 100
                    FROM generate_series(1, $2) g
                    """),
                ("usage_metrics (a year, daily)", """
                    INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, wau, mau, login_count, api_calls, active_users, adoption_score)
                    SELECT gen_random_uuid(), $1, c.id, current_date - d,
                           CASE WHEN h % 20 = 0 AND d < 20 THEN 0 WHEN h % 10 = 1 AND d < 7 THEN (5 + h % 40) * 4 / 10 ELSE 5 + h % 40 + d % 7 END,
                           20 + h % 60, 40 + h % 100,
                           CASE WHEN h % 20 = 0 AND d < 20 THEN 0 ELSE 3 + h % 30 END, 100 + h % 900, 5 + h % 10, 40 + h % 60
                    FROM (SELECT id, abs(hashtext(id::text)) AS h FROM customers WHERE organization_id = $1) c CROSS JOIN generate_series(0, 364) d
                    """),
                ("subscriptions", """
                    INSERT INTO subscriptions (id, organization_id, customer_id, plan, billing_cycle, seats_total, seats_used, status, current_period_start, current_period_end)
                    SELECT gen_random_uuid(), $1, c.id, 'premium', 'monthly', 10, abs(hashtext(c.id::text)) % 11, 'active', date_trunc('month', now()), date_trunc('month', now()) + interval '1 month'
                    FROM customers c WHERE c.organization_id = $1
                    """),
                ("customer_contacts", """
                    INSERT INTO customer_contacts (id, organization_id, customer_id, name, email, is_primary, sentiment)
                    SELECT gen_random_uuid(), $1, c.id, 'Champion ' || c.email, 'champion.' || c.email, true, (ARRAY['positive', 'neutral', 'negative'])[1 + abs(hashtext(c.id::text)) % 3]
                    FROM customers c WHERE c.organization_id = $1
                    """),
                ("conversations", """
                    INSERT INTO conversations (id, organization_id, customer_id, channel, status, sentiment_avg, started_at, last_message_at)
                    SELECT gen_random_uuid(), $1, c.id, 'email', CASE WHEN k = 0 AND abs(hashtext(c.id::text)) % 15 = 0 THEN 'escalated' ELSE 'resolved' END,
                           ((abs(hashtext(c.id::text || k)) % 200) - 100) / 100.0, now() - make_interval(days => k * 9 + 1), now() - make_interval(days => k * 9)
                    FROM customers c CROSS JOIN generate_series(0, 2) k WHERE c.organization_id = $1
                    """),
                ("invoices", """
                    INSERT INTO invoices (id, organization_id, customer_id, invoice_number, amount, status, currency, due_at, issued_at)
                    SELECT gen_random_uuid(), $1, c.id, 'BENCH-' || c.email, 290, 'open', 'USD', now() - interval '12 days', now() - interval '26 days'
                    FROM customers c WHERE c.organization_id = $1 AND abs(hashtext(c.id::text)) % 8 = 0
                    """),
            ];
            var setupClock = Stopwatch.StartNew();
            foreach (var (step, sql) in setup)
            {
                var clock = Stopwatch.StartNew();
                // A year of daily rows is the bulk: loaded without its keys and indexes, which are then built once (sorted).
                var bulk = step.StartsWith("usage_metrics", StringComparison.Ordinal);
                var restore = bulk ? await DropKeysAsync(conn, "usage_metrics") : [];
                await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 7200 };
                cmd.Parameters.AddWithValue(org);
                if (sql.Contains("$2", StringComparison.Ordinal)) cmd.Parameters.AddWithValue(customers);
                var rows = await cmd.ExecuteNonQueryAsync();
                foreach (var ddl in restore) await new NpgsqlCommand(ddl, conn) { CommandTimeout = 7200 }.ExecuteNonQueryAsync();
                await new NpgsqlCommand("ANALYZE", conn) { CommandTimeout = 7200 }.ExecuteNonQueryAsync();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup {step}: {rows} rows in {clock.Elapsed.TotalSeconds:0.0} s"));
            }
            await new NpgsqlCommand("VACUUM (ANALYZE) usage_metrics", conn) { CommandTimeout = 7200 }.ExecuteNonQueryAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  setup total {setupClock.Elapsed.TotalSeconds:0.0} s (not part of the measured run)"));
        }

        var sweep = app.Services.GetRequiredService<HealthSweep>();
        var sessions = app.Services.GetRequiredService<TenantSessions>();
        var tenant = new TenantContext { OrganizationId = org, ActorType = "system", Role = Roles.Owner };
        var now = DateTime.UtcNow;
        Console.WriteLine($"health: {customers} customers, chunk {sweep.Chunk}, {Environment.ProcessorCount} cores");

        // Baseline, same run: the aggregate SQL the sweep needs (HealthEvidence.Sql), chunk by chunk in id
        // order like the sweep, read and discarded.
        async Task<(TimeSpan Elapsed, int Read)> RawAsync(DateTime at)
        {
            var raw = Stopwatch.StartNew();
            var read = 0;
            var after = Guid.Empty;
            while (true)
            {
                await using var s = sessions.Open(tenant);
                var ids = await s.QueryAsync("SELECT id FROM customers WHERE organization_id = $1 AND deleted_at IS NULL AND id > $2 ORDER BY id LIMIT $3",
                    [org, after, sweep.Chunk], r => r.GetGuid(0), CancellationToken.None);
                if (ids.Count == 0) break;
                read += (await HealthEvidence.ReadAsync(s, ids, at, CancellationToken.None)).Count;
                after = ids[^1];
            }
            return (raw.Elapsed, read);
        }
        var (baseline, read) = await RawAsync(now);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  raw aggregate SQL: {read} customers' evidence in {baseline.TotalSeconds:0.0} s"));

        if (Environment.GetEnvironmentVariable("BENCH_EXPLAIN") == "1")
        {
            // The evidence query's plan for the first chunk, as the sweep runs it (tenant session, RLS on).
            await using var s = sessions.Open(tenant);
            var ids = await s.QueryAsync("SELECT id FROM customers WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT $2",
                [org, sweep.Chunk], r => r.GetGuid(0), CancellationToken.None);
            var plan = await s.QueryAsync<string>("EXPLAIN (ANALYZE, BUFFERS) " + HealthEvidence.Sql,
                new { org, ids = ids.ToArray(), now = DateTime.SpecifyKind(now, DateTimeKind.Utc) });
            foreach (var line in plan) Console.WriteLine("    | " + line);
        }

        await db.ResetStatementsAsync();
        var cpu = db.PostgresCpu();
        var sw = Stopwatch.StartNew();
        var first = await sweep.RunForAsync(tenant, now, CancellationToken.None);
        var elapsed = sw.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  first sweep: {first.Customers} customers in {elapsed.TotalSeconds:0.0} s ({first.Customers / elapsed.TotalSeconds:0}/s; {first.ScoresChanged} scores written, {first.SignalsOpened} signals opened; PostgreSQL CPU {(db.PostgresCpu() - cpu).TotalSeconds:0} s); ratio raw/sweep {baseline / elapsed:0.00} (targets: 100000 in < 60 s, ratio >= 0.5)"));
        await db.PrintTopStatementsAsync(8, Math.Max(1, first.Customers / 1000), "1000 customers");

        await db.ResetStatementsAsync();
        sw.Restart();
        var second = await sweep.RunForAsync(tenant, now.AddMinutes(1), CancellationToken.None);
        var steady = sw.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  second sweep (steady state): {second.Customers} customers in {steady.TotalSeconds:0.0} s ({second.ScoresChanged} scores changed); ratio raw/sweep {baseline / steady:0.00}"));
        await db.PrintTopStatementsAsync(8, Math.Max(1, second.Customers / 1000), "1000 customers (steady sweep)");
        // The next night: every customer has a new day of usage (a tenth of them idle that day), the
        // windows move by a day, and the rows of that day are not vacuumed yet (as at 02:00 in production).
        await using (var conn = new NpgsqlConnection(db.Owner))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO usage_metrics (id, organization_id, customer_id, metric_date, dau, wau, mau, login_count, api_calls, active_users, adoption_score)
                SELECT gen_random_uuid(), $1, c.id, current_date + 1, CASE WHEN h % 10 = 3 THEN 0 ELSE 5 + h % 40 END, 20 + h % 60, 40 + h % 100,
                       CASE WHEN h % 10 = 3 THEN 0 ELSE 3 + h % 30 END, 100 + h % 900, 5 + h % 10, 40 + h % 60
                FROM (SELECT id, abs(hashtext(id::text)) AS h FROM customers WHERE organization_id = $1) c
                """, conn) { CommandTimeout = 7200 };
            cmd.Parameters.AddWithValue(org);
            await cmd.ExecuteNonQueryAsync();
        }
        var tomorrow = now.AddDays(1);
        var (nextBaseline, _) = await RawAsync(tomorrow);
        await db.ResetStatementsAsync();
        cpu = db.PostgresCpu();
        sw.Restart();
        var third = await sweep.RunForAsync(tenant, tomorrow, CancellationToken.None);
        var nightly = sw.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  next night (a new day of usage for every customer): raw aggregate SQL {nextBaseline.TotalSeconds:0.0} s; sweep {third.Customers} customers in {nightly.TotalSeconds:0.0} s ({third.ScoresChanged} scores changed, {third.SignalsOpened} signals opened, {third.SignalsResolved} resolved; PostgreSQL CPU {(db.PostgresCpu() - cpu).TotalSeconds:0} s); ratio raw/sweep {nextBaseline / nightly:0.00}"));
        await db.PrintTopStatementsAsync(8, Math.Max(1, third.Customers / 1000), "1000 customers (next night)");
        var history = await db.CountAsync($"SELECT count(*) FROM health_score_history WHERE organization_id = '{org}'");
        var scored = await db.CountAsync($"SELECT count(*) FROM customers WHERE organization_id = '{org}' AND health_score IS NOT NULL");
        Console.WriteLine($"  check: {scored} customers scored, {history} history rows");
        await app.StopAsync();
    }

    /// <summary>Drops the table's keys, foreign keys and indexes; returns the statements that put them back.</summary>
    private static async Task<List<string>> DropKeysAsync(NpgsqlConnection conn, string table)
    {
        var restore = new List<string>();
        var drop = new List<string>();
        await using (var r = await new NpgsqlCommand($"""
            SELECT 'ALTER TABLE {table} ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid), 'ALTER TABLE {table} DROP CONSTRAINT ' || quote_ident(conname)
            FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC
            """, conn).ExecuteReaderAsync())
            while (await r.ReadAsync()) { restore.Add(r.GetString(0)); drop.Add(r.GetString(1)); }
        await using (var r = await new NpgsqlCommand($"""
            SELECT indexdef, 'DROP INDEX ' || quote_ident(indexname) FROM pg_indexes i
            WHERE tablename = '{table}' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.conrelid = '{table}'::regclass)
            """, conn).ExecuteReaderAsync())
            while (await r.ReadAsync()) { restore.Add(r.GetString(0)); drop.Add(r.GetString(1)); }
        drop.Reverse(); // indexes, then the foreign key, then the keys
        foreach (var ddl in drop) await new NpgsqlCommand(ddl, conn).ExecuteNonQueryAsync();
        return restore;
    }
}
