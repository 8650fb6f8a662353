using Clientele.Platform.Database;
using Npgsql;
using NpgsqlTypes;

namespace Clientele.Modules.Integrations.Google;

/// <summary>A google_tokens row; the tokens are still Data Protection ciphertext.</summary>
public sealed record StoredGoogleToken(Guid Id, string AccessCipher, string RefreshCipher, DateTimeOffset ExpiresAt, string[] Scopes, string? Email);

/// <summary>SQL on google_tokens: one row per (organization, user or NULL), tokens encrypted by the caller.</summary>
public static class GoogleTokenStore
{
    private const string Columns = "id, access_token, refresh_token, expires_at, scopes, email";

    public static async Task<StoredGoogleToken?> ReadAsync(TenantSession s, CalendarOwner owner, bool forUpdate, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM google_tokens WHERE organization_id = $1 AND user_id IS NOT DISTINCT FROM $2" + (forUpdate ? " FOR UPDATE" : "");
        await using var r = await s.ReadAsync(sql, [new NpgsqlParameter { Value = s.OrganizationId }, Owner(owner)], ct);
        if (!await r.ReadAsync(ct)) return null;
        return new StoredGoogleToken(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5));
    }

    /// <summary>
    /// Inserts or replaces the owner's row. Google sends a refresh token only on consent; without one
    /// only an existing row is updated (keeping its refresh token), and false says there was none.
    /// </summary>
    public static async Task<bool> UpsertAsync(TenantSession s, CalendarOwner owner, string accessCipher, string? refreshCipher, DateTimeOffset expiresAt,
        string[] scopes, string tokenType, string? email, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync(refreshCipher is not null
            ? """
              INSERT INTO google_tokens AS t (organization_id, user_id, access_token, token_type, expires_at, scopes, email, refresh_token, id)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
              ON CONFLICT (organization_id, user_id) DO UPDATE SET
                access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token, token_type = EXCLUDED.token_type,
                expires_at = EXCLUDED.expires_at, scopes = EXCLUDED.scopes, email = COALESCE(EXCLUDED.email, t.email)
              """
            : """
              UPDATE google_tokens SET access_token = $3, token_type = $4, expires_at = $5, scopes = $6, email = COALESCE($7, email)
              WHERE organization_id = $1 AND user_id IS NOT DISTINCT FROM $2
              """, ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(Owner(owner));
        cmd.Parameters.Add(new NpgsqlParameter { Value = accessCipher, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tokenType, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = expiresAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = scopes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)email ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        if (refreshCipher is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = refreshCipher, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7(), NpgsqlDbType = NpgsqlDbType.Uuid });
        }
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Stores a refreshed access token (and a rotated refresh token, if Google sent one).</summary>
    public static async Task UpdateRefreshedAsync(TenantSession s, Guid id, string accessCipher, string? refreshCipher, DateTimeOffset expiresAt, string[] scopes, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync("""
            UPDATE google_tokens SET access_token = $3, refresh_token = COALESCE($4, refresh_token), expires_at = $5,
              scopes = CASE WHEN cardinality($6::text[]) > 0 THEN $6 ELSE scopes END
            WHERE organization_id = $1 AND id = $2
            """, ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = id, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = accessCipher, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)refreshCipher ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = expiresAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = scopes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes the owner's row and returns it (for revocation), or null if there was none.</summary>
    public static async Task<StoredGoogleToken?> DeleteAsync(TenantSession s, CalendarOwner owner, CancellationToken ct)
    {
        await using var cmd = await s.CommandAsync($"DELETE FROM google_tokens WHERE organization_id = $1 AND user_id IS NOT DISTINCT FROM $2 RETURNING {Columns}", ct);
        cmd.Parameters.Add(new NpgsqlParameter { Value = s.OrganizationId, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.Add(Owner(owner));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new StoredGoogleToken(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5));
    }

    private static NpgsqlParameter Owner(CalendarOwner owner) =>
        new() { Value = (object?)owner.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid };
}
