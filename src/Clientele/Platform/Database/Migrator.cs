using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Database;

/// <summary>
/// Applies the embedded Database/Migrations/NNNN_description.sql files in order, each in one
/// transaction, under an advisory lock, journaled in schema_migrations with a checksum.
/// An already applied migration whose text changed is refused.
/// </summary>
public sealed class Migrator(DatabaseSettings settings, ILogger<Migrator> logger)
{
    private const long LockKey = 0x436c69656e74656c; // "Clientel"

    public sealed record Migration(int Version, string Name, string Sql, string Checksum);

    public static IReadOnlyList<Migration> Embedded()
    {
        var asm = typeof(Migrator).Assembly;
        var list = new List<Migration>();
        foreach (var res in asm.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal) && n.Contains(".Migrations.", StringComparison.Ordinal)))
        {
            var file = res[(res.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..^4];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore != 4 || !int.TryParse(file[..4], out var version))
                throw new InvalidOperationException($"Migration '{file}.sql' is not named NNNN_description.sql");
            using var stream = asm.GetManifestResourceStream(res)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var sql = reader.ReadToEnd();
            var checksum = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n")))).ToLowerInvariant();
            list.Add(new Migration(version, file[(underscore + 1)..], sql, checksum));
        }
        var dupes = list.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw new InvalidOperationException($"Two migrations share version {dupes[0]:0000}");
        return list.OrderBy(m => m.Version).ToList();
    }

    /// <summary>Applies pending migrations and returns how many were applied.</summary>
    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(settings.OwnerConnectionString);
        await conn.OpenAsync(ct);
        await Exec(conn, null, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await Exec(conn, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                  version    bigint PRIMARY KEY,
                  name       text NOT NULL,
                  checksum   text NOT NULL,
                  applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            var applied = new Dictionary<long, (string Name, string Checksum)>();
            await using (var cmd = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) applied[r.GetInt64(0)] = (r.GetString(1), r.GetString(2));
            }
            var count = 0;
            foreach (var m in Embedded())
            {
                if (applied.TryGetValue(m.Version, out var done))
                {
                    if (done.Checksum != m.Checksum)
                        throw new InvalidOperationException(
                            $"Migration {m.Version:0000}_{m.Name}.sql was changed after it was applied (checksum {done.Checksum[..12]} in the database, {m.Checksum[..12]} now). " +
                            "Applied migrations are immutable: revert the edit and add a new migration instead.");
                    continue;
                }
                await using var tx = await conn.BeginTransactionAsync(ct);
                try
                {
                    await Exec(conn, tx, m.Sql, ct);
                    await using var ins = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", conn, tx);
                    ins.Parameters.AddWithValue((long)m.Version);
                    ins.Parameters.AddWithValue(m.Name);
                    ins.Parameters.AddWithValue(m.Checksum);
                    await ins.ExecuteNonQueryAsync(ct);
                    await tx.CommitAsync(ct);
                }
                catch (PostgresException e)
                {
                    throw new InvalidOperationException($"Migration {m.Version:0000}_{m.Name}.sql failed: {e.MessageText} (at position {e.Position}: {Excerpt(m.Sql, e.Position)})", e);
                }
                logger.LogInformation("Applied migration {Version:0000}_{Name}", m.Version, m.Name);
                count++;
            }
            if (settings.ManagesAppRolePassword)
            {
                // The app role logs in with the derived password (see DatabaseSettings).
                await AlterRoleAsync(conn, $"ALTER ROLE {DatabaseSettings.AppRole} LOGIN PASSWORD '{settings.AppRolePassword}'", ct);
            }
            await Exec(conn, null, $"GRANT SELECT ON schema_migrations TO {DatabaseSettings.AppRole}", ct);
            return count;
        }
        finally
        {
            // A broken connection has released its lock already; unlocking it would hide the original error.
            if (conn.State == System.Data.ConnectionState.Open)
                await Exec(conn, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    /// <summary>True when every embedded migration is journaled with a matching checksum.</summary>
    public static async Task<bool> IsUpToDateAsync(NpgsqlDataSource app, CancellationToken ct)
    {
        await using var cmd = app.CreateCommand("SELECT version, checksum FROM schema_migrations");
        var applied = new Dictionary<long, string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) applied[r.GetInt64(0)] = r.GetString(1);
        return Embedded().All(m => applied.TryGetValue(m.Version, out var c) && c == m.Checksum);
    }

    private static string Excerpt(string sql, int position)
    {
        if (position <= 0 || position > sql.Length) return "";
        var start = Math.Max(0, position - 40);
        return sql.Substring(start, Math.Min(80, sql.Length - start)).ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Roles live in pg_authid, shared by every database of the cluster (the advisory lock is per
    /// database): two databases migrated at once (test fixtures, apps sharing a server) can collide
    /// with "tuple concurrently updated", which also drops the connection. The statement is
    /// idempotent, so it is retried on a fresh connection.
    /// </summary>
    private static async Task AlterRoleAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (conn.State != System.Data.ConnectionState.Open)
                {
                    await conn.CloseAsync();
                    await conn.OpenAsync(ct);
                }
                await Exec(conn, null, sql, ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InternalError && attempt < 5)
            {
                await Task.Delay(25 * attempt, ct);
            }
        }
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
