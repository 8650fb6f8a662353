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
        var pg = new LocalPostgres(home);
        await pg.EnsureStartedAsync();
        await using (var admin = new NpgsqlConnection(pg.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("CREATE DATABASE bench", admin).ExecuteNonQueryAsync();
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
