using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Database;

/// <summary>
/// Positional SQL ($1, $2, ...) over a <see cref="TenantSession"/> without the NpgsqlParameter
/// ceremony: the arguments are a collection expression, in placeholder order. The SQL text stays
/// exactly as written (no @name rewriting), so a handler converts without touching its SQL.
/// <code>
/// await s.ExecuteAsync("INSERT INTO notes (id, organization_id, body) VALUES ($1, $2, $3)", [id, s.OrganizationId, body], ct);
/// var open = await s.ScalarAsync&lt;long&gt;("SELECT count(*) FROM notes WHERE organization_id = $1", [s.OrganizationId], ct);
/// var rows = await s.QueryAsync("SELECT id, body FROM notes WHERE organization_id = $1", [s.OrganizationId],
///     r => (Id: r.GetGuid(0), Body: r.GetString(1)), ct);
/// var one = await s.QueryFirstAsync("SELECT body FROM notes WHERE id = $1", [id], r => r.GetString(0), ct); // null if no row
/// </code>
/// Arguments: a CLR value becomes a parameter of its natural type; null becomes an untyped NULL
/// (PostgreSQL infers the type from the placeholder's context); a <see cref="JsonNode"/> becomes
/// jsonb; an <see cref="NpgsqlParameter"/> passes through. For a NULL where the context does not
/// give the type (SELECT $1, $1 IS NULL) say it: <see cref="SqlArg.Uuid"/>, <see cref="SqlArg.Text"/>,
/// <see cref="SqlArg.Jsonb"/> or <see cref="SqlArg.Typed"/>.
/// Execute/ExecuteScalar/Scalar/Query/QueryFirst/Reader run inside the session's explicit transaction
/// (like <see cref="TenantSession.CommandAsync"/>); ReadList/ReadFirst/BatchReader use
/// <see cref="TenantSession.ReadAsync"/> (no explicit transaction when none is open: set_config and
/// the query travel as one batch).
/// </summary>
public static class TenantSql
{
    public static async Task<int> ExecuteAsync(this TenantSession s, string sql, object?[] args, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Like NpgsqlCommand.ExecuteScalarAsync: the first column of the first row, DBNull for NULL, null for no row.</summary>
    public static async Task<object?> ExecuteScalarAsync(this TenantSession s, string sql, object?[] args, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>A reader over the query's rows, in the explicit transaction (the caller disposes it).</summary>
    public static async Task<NpgsqlDataReader> ReaderAsync(this TenantSession s, string sql, object?[] args, CancellationToken ct)
    {
        var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        return await cmd.ExecuteReaderAsync(ct);
    }

    /// <summary>The first column of the first row; default when there is no row or it is NULL.</summary>
    public static async Task<T?> ScalarAsync<T>(this TenantSession s, string sql, object?[] args, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && !r.IsDBNull(0) ? r.GetFieldValue<T>(0) : default;
    }

    public static async Task<List<T>> QueryAsync<T>(this TenantSession s, string sql, object?[] args, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await MapAllAsync(r, map, ct);
    }

    /// <summary>The first row mapped, or default (map to a nullable type to tell "no row" apart).</summary>
    public static async Task<T?> QueryFirstAsync<T>(this TenantSession s, string sql, object?[] args, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(sql, ct);
        SqlArg.AddAll(cmd.Parameters, args);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? map(r) : default;
    }

    /// <summary>A reader like TenantSession.ReadAsync (one round trip when no transaction is open), from plain arguments.</summary>
    public static Task<NpgsqlDataReader> BatchReaderAsync(this TenantSession s, string sql, object?[] args, CancellationToken ct) =>
        s.ReadAsync(sql, SqlArg.ToParameters(args), ct);

    /// <summary>Like QueryAsync, in one round trip without opening an explicit transaction.</summary>
    public static async Task<List<T>> ReadListAsync<T>(this TenantSession s, string sql, object?[] args, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var r = await s.ReadAsync(sql, SqlArg.ToParameters(args), ct);
        return await MapAllAsync(r, map, ct);
    }

    /// <summary>Like QueryFirstAsync, in one round trip without opening an explicit transaction.</summary>
    public static async Task<T?> ReadFirstAsync<T>(this TenantSession s, string sql, object?[] args, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        await using var r = await s.ReadAsync(sql, SqlArg.ToParameters(args), ct);
        return await r.ReadAsync(ct) ? map(r) : default;
    }

    private static async Task<List<T>> MapAllAsync<T>(NpgsqlDataReader r, Func<NpgsqlDataReader, T> map, CancellationToken ct)
    {
        var list = new List<T>();
        while (await r.ReadAsync(ct)) list.Add(map(r));
        return list;
    }
}

/// <summary>Turns helper arguments into positional parameters; typed NULLs for context-free placeholders.</summary>
public static class SqlArg
{
    public static NpgsqlParameter Uuid(Guid? v) => Typed(v, NpgsqlDbType.Uuid);
    public static NpgsqlParameter Text(string? v) => Typed(v, NpgsqlDbType.Text);
    public static NpgsqlParameter Jsonb(JsonNode? v) => Typed(v?.ToJsonString(), NpgsqlDbType.Jsonb);
    public static NpgsqlParameter Typed(object? v, NpgsqlDbType type) => new() { Value = v ?? DBNull.Value, NpgsqlDbType = type };

    public static NpgsqlParameter ToParameter(object? v) => v switch
    {
        null => new NpgsqlParameter { Value = DBNull.Value },
        NpgsqlParameter p => p,
        JsonNode j => Jsonb(j),
        _ => new NpgsqlParameter { Value = v },
    };

    /// <summary>One statement of an NpgsqlBatch with its positional arguments.</summary>
    public static NpgsqlBatchCommand Batch(string sql, params object?[] args)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        AddAll(cmd.Parameters, args);
        return cmd;
    }

    public static NpgsqlParameter[] ToParameters(object?[] args) => Array.ConvertAll(args, ToParameter);

    public static void AddAll(NpgsqlParameterCollection parameters, object?[] args)
    {
        foreach (var a in args) parameters.Add(ToParameter(a));
    }
}
