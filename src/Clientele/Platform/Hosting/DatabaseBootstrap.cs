using Clientele.Platform.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Hosting;

/// <summary>Finds or starts the database, creates it if missing, and migrates it.</summary>
public static class DatabaseBootstrap
{
    public sealed record Result(DatabaseSettings Settings, LocalPostgres? Local, bool FreshCluster);

    public static async Task<Result> PrepareAsync(IConfiguration config, ILoggerFactory loggers, bool migrate, CancellationToken ct = default)
    {
        var log = loggers.CreateLogger("Clientele.Database");
        var configured = config.GetConnectionString("Clientele");
        LocalPostgres? local = null;
        var fresh = false;
        if (string.IsNullOrWhiteSpace(configured))
        {
            var home = config["CLIENTELE_HOME"] ?? Environment.GetEnvironmentVariable("CLIENTELE_HOME") ?? ".clientele";
            local = new LocalPostgres(home);
            fresh = await local.EnsureStartedAsync(ct);
            log.LogInformation("Using the local PostgreSQL cluster in {DataDir} on port {Port}", local.DataDir, local.Port);
            configured = local.ConnectionString("clientele");
            await EnsureDatabaseAsync(local.ConnectionString("postgres"), "clientele", ct);
        }
        var settings = new DatabaseSettings(configured, config.GetConnectionString("ClienteleApp"));
        if (migrate)
        {
            var applied = await new Migrator(settings, loggers.CreateLogger<Migrator>()).MigrateAsync(ct);
            if (applied > 0) log.LogInformation("Applied {Count} migrations", applied);
        }
        return new Result(settings, local, fresh);
    }

    public static async Task EnsureDatabaseAsync(string maintenanceConnection, string database, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(maintenanceConnection);
        await conn.OpenAsync(ct);
        await using var check = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn);
        check.Parameters.AddWithValue(database);
        if (await check.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
