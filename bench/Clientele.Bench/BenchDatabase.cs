using Clientele.Platform.Database;
using Npgsql;

namespace Clientele.Bench;

/// <summary>A throwaway local cluster with one empty database for a benchmark run.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly LocalPostgres _pg;
    private readonly string _home;
    public string Owner { get; }

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
