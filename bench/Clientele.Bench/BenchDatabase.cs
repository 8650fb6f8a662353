using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Bench;

/// <summary>A throwaway local cluster with one empty database for a benchmark run.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly LocalPostgres _pg;
    private readonly string _home;
    public string Owner { get; }
    /// <summary>The run's scratch directory (CLIENTELE_HOME for a host on this database).</summary>
    public string Home => _home;

    private BenchDatabase(LocalPostgres pg, string home, string owner) { _pg = pg; _home = home; Owner = owner; }

    public static async Task<BenchDatabase> CreateAsync(string name)
    {
        var home = Path.Combine(Path.GetTempPath(), $"clientele-bench-{name}-{Environment.ProcessId}");
        var pg = new LocalPostgres(home, extraOptions: Statements ? "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on" : "");
        await pg.EnsureStartedAsync();
        await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("CREATE DATABASE bench", admin).ExecuteNonQueryAsync();
        }
        if (Statements)
        {
            await using var conn = new NpgsqlConnection(pg.ConnectionString("bench"));
            await conn.OpenAsync();
            await new NpgsqlCommand("CREATE EXTENSION pg_stat_statements", conn).ExecuteNonQueryAsync();
        }
        return new BenchDatabase(pg, home, pg.ConnectionString("bench"));
    }

    /// <summary>CPU time used so far by this cluster's processes (live backends, and the postmaster with its exited children), from /proc.</summary>
    public TimeSpan PostgresCpu()
    {
        try
        {
            var postmaster = int.Parse(File.ReadLines(Path.Combine(_pg.DataDir, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
            long ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
                string stat;
                try { stat = File.ReadAllText(Path.Combine(dir, "stat")); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from 3 (state) on
                var ppid = int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture);
                if (pid == postmaster) ticks += long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[14], System.Globalization.CultureInfo.InvariantCulture);
                else if (ppid == postmaster) ticks += long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return TimeSpan.Zero; }
    }

    /// <summary>BENCH_STATEMENTS=1: the cluster records per-statement time (pg_stat_statements, nested statements of functions and triggers too).</summary>
    public static bool Statements => Environment.GetEnvironmentVariable("BENCH_STATEMENTS") == "1";

    public async Task ResetStatementsAsync()
    {
        if (!Statements) return;
        await using var conn = new NpgsqlConnection(Owner);
        await conn.OpenAsync();
        await new NpgsqlCommand("SELECT pg_stat_statements_reset()", conn).ExecuteNonQueryAsync();
    }

    /// <summary>Prints the statements that took the most execution time since the last reset, per unit of work.</summary>
    public async Task PrintTopStatementsAsync(int top, int units, string unit)
    {
        if (!Statements) return;
        await using var conn = new NpgsqlConnection(Owner);
        await conn.OpenAsync();
        // BENCH_STATEMENTS_ORDER=blocks ranks by shared buffers touched (a statement reading far more than it should), =calls by calls, =plan by planning time.
        var order = Environment.GetEnvironmentVariable("BENCH_STATEMENTS_ORDER") switch { "blocks" => "3", "calls" => "2", "plan" => "5", _ => "1" };
        await using var cmd = new NpgsqlCommand($$"""
            SELECT total_exec_time, calls, shared_blks_hit + shared_blks_read, regexp_replace(left(query, 160), '\s+', ' ', 'g'), total_plan_time, plans
            FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY {{order}} DESC LIMIT $1
            """, conn);
        cmd.Parameters.AddWithValue(top);
        await using (var all = new NpgsqlCommand("SELECT sum(calls)::float8, sum(total_exec_time), sum(total_plan_time), sum(plans)::float8 FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' AND toplevel", conn))
        await using (var a = await all.ExecuteReaderAsync())
            if (await a.ReadAsync() && !a.IsDBNull(0))
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"    all top-level statements: {a.GetDouble(0) / Math.Max(1, units):0.0} calls, {a.GetDouble(1) / Math.Max(1, units):0.00} ms of execution and {a.GetDouble(3) / Math.Max(1, units):0.0} plannings taking {a.GetDouble(2) / Math.Max(1, units):0.00} ms per {unit}"));
        await using var r = await cmd.ExecuteReaderAsync();
        Console.WriteLine($"    top statements by execution time (nested included, so a trigger's statements also count inside the statement that fired it), per {unit}, with the shared buffers each touched:");
        while (await r.ReadAsync())
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"      {r.GetDouble(0) / Math.Max(1, units),7:0.000} ms {r.GetInt64(1) / (double)Math.Max(1, units),6:0.0} calls {r.GetInt64(2) / (double)Math.Max(1, units),7:0.0} blocks {r.GetInt64(5) / (double)Math.Max(1, units),5:0.0} plans {r.GetDouble(4) / Math.Max(1, units),6:0.000} ms  {r.GetString(3)}"));
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Owner);
        await conn.OpenAsync();
        await new NpgsqlCommand(sql, conn) { CommandTimeout = 600 }.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Owner);
        await conn.OpenAsync();
        return (long)(await new NpgsqlCommand(sql, conn).ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _pg.StopAsync();
        try { Directory.Delete(_home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
