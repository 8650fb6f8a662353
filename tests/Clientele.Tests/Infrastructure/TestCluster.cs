using Clientele.Platform.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Clientele.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL cluster per test run, started by the same launcher the app uses;
/// a template database migrated once; each test class gets its own database cloned from it.
/// </summary>
public static class TestCluster
{
    private static readonly Lazy<Task<LocalPostgres>> Cluster = new(StartAsync);
    private static readonly SemaphoreSlim CloneLock = new(1, 1);
    private static int _counter;
    public const string Template = "clientele_template";

    private static async Task<LocalPostgres> StartAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), $"clientele-tests-{Environment.ProcessId}");
        if (Directory.Exists(home)) Directory.Delete(home, true);
        // Each test class runs its own app (pools, outbox, Quartz, listeners) and classes run in parallel:
        // 200 slots ran out on a fast machine ("remaining connection slots are reserved").
        var pg = new LocalPostgres(home, maxConnections: 600);
        await pg.EnsureStartedAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            pg.StopAsync().GetAwaiter().GetResult();
            try { Directory.Delete(home, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        await using (var conn = new NpgsqlConnection(pg.ConnectionString("postgres")))
        {
            await conn.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {Template}", conn).ExecuteNonQueryAsync();
        }
        await new Migrator(new DatabaseSettings(pg.ConnectionString(Template)), NullLogger<Migrator>.Instance).MigrateAsync();
        NpgsqlConnection.ClearAllPools();
        return pg;
    }

    public static async Task<LocalPostgres> GetAsync() => await Cluster.Value;

    /// <summary>A fresh, migrated database; returns its owner connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string? template = Template)
    {
        var pg = await GetAsync();
        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await CloneLock.WaitAsync();
        try
        {
            await using var conn = new NpgsqlConnection(pg.ConnectionString("postgres"));
            await conn.OpenAsync();
            var sql = template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}";
            await new NpgsqlCommand(sql, conn).ExecuteNonQueryAsync();
        }
        finally { CloneLock.Release(); }
        return pg.ConnectionString(name);
    }
}
