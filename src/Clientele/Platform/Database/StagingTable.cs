using Npgsql;
using NpgsqlTypes;

namespace Clientele.Platform.Database;

/// <summary>
/// Bulk input for one set-based statement (the batch endpoints): the rows are binary-COPYed into a
/// temporary table that lives until the session's transaction ends (ON COMMIT DROP), then the
/// caller's next statement (INSERT ... SELECT ... FROM it ... ON CONFLICT) reads them. COPY streams
/// PostgreSQL's binary format: no SQL text per row, no parameter arrays to unpack, and the table is
/// private to the session (no RLS needed on it; the INSERT into the tenant table is checked as usual).
/// </summary>
public static class StagingTable
{
    /// <param name="table">The temporary table's name: a constant of the caller, never input.</param>
    /// <param name="columns">Its column definitions, e.g. <c>id uuid NOT NULL, quantity int NOT NULL</c>.</param>
    /// <param name="writeRow">Writes one row's columns in order (<see cref="WriteOrNullAsync{T}(NpgsqlBinaryImporter, T?, NpgsqlDbType, CancellationToken)"/> for optional ones).</param>
    public static async Task CopyAsync<T>(TenantSession s, string table, string columns, IEnumerable<T> rows,
        Func<NpgsqlBinaryImporter, T, CancellationToken, Task> writeRow, CancellationToken ct)
    {
        var conn = await s.BeginAsync(ct);
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP", conn, s.Transaction))
            await create.ExecuteNonQueryAsync(ct);
        await using var copy = await conn.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            await writeRow(copy, row, ct);
        }
        await copy.CompleteAsync(ct);
    }

    public static Task WriteOrNullAsync<T>(this NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    public static Task WriteOrNullAsync(this NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is not null ? copy.WriteAsync(value, type, ct) : copy.WriteNullAsync(ct);
}
