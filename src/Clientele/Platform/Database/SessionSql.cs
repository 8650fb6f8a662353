using Dapper;

namespace Clientele.Platform.Database;

/// <summary>
/// Dapper over the tenant session's transaction: one SQL string and an anonymous parameter
/// object. Columns map to properties by name with underscores ignored (snake_case → PascalCase).
/// Used by the billing module only (its session-2 code). The codebase's way is
/// <see cref="TenantSql"/> (positional $n, explicit row mapping, the one-round-trip read path):
/// new code, billing's included, uses that; this stays until billing's call sites move over.
/// </summary>
public static class SessionSql
{
    static SessionSql() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public static async Task<IEnumerable<T>> QueryAsync<T>(this TenantSession s, string sql, object? param = null, CancellationToken ct = default)
    {
        var conn = await s.BeginAsync(ct);
        return await conn.QueryAsync<T>(new CommandDefinition(sql, param, s.Transaction, cancellationToken: ct));
    }

    public static async Task<T?> QueryFirstOrDefaultAsync<T>(this TenantSession s, string sql, object? param = null, CancellationToken ct = default)
    {
        var conn = await s.BeginAsync(ct);
        return await conn.QueryFirstOrDefaultAsync<T>(new CommandDefinition(sql, param, s.Transaction, cancellationToken: ct));
    }

    public static async Task<int> ExecuteAsync(this TenantSession s, string sql, object? param = null, CancellationToken ct = default)
    {
        var conn = await s.BeginAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(sql, param, s.Transaction, cancellationToken: ct));
    }

    public static async Task<T?> ScalarAsync<T>(this TenantSession s, string sql, object? param = null, CancellationToken ct = default)
    {
        var conn = await s.BeginAsync(ct);
        return await conn.ExecuteScalarAsync<T>(new CommandDefinition(sql, param, s.Transaction, cancellationToken: ct));
    }
}
