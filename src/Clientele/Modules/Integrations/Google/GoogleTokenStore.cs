using Clientele.Platform.Database;
using Npgsql;

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
        return await s.ReadFirstAsync(sql, [s.OrganizationId, Owner(owner)], Token, ct);
    }

    /// <summary>
    /// Inserts or replaces the owner's row. Google sends a refresh token only on consent; without one
    /// only an existing row is updated (keeping its refresh token), and false says there was none.
    /// </summary>
    public static async Task<bool> UpsertAsync(TenantSession s, CalendarOwner owner, string accessCipher, string? refreshCipher, DateTimeOffset expiresAt,
        string[] scopes, string tokenType, string? email, CancellationToken ct)
    {
        var sql = refreshCipher is not null
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
              """;
        object?[] args = [s.OrganizationId, Owner(owner), accessCipher, tokenType, expiresAt.UtcDateTime, scopes, SqlArg.Text(email)];
        if (refreshCipher is not null) args = [.. args, refreshCipher, Guid.CreateVersion7()];
        return await s.ExecuteAsync(sql, args, ct) == 1;
    }

    /// <summary>Stores a refreshed access token (and a rotated refresh token, if Google sent one).</summary>
    public static async Task UpdateRefreshedAsync(TenantSession s, Guid id, string accessCipher, string? refreshCipher, DateTimeOffset expiresAt, string[] scopes, CancellationToken ct)
    {
        await s.ExecuteAsync("""
            UPDATE google_tokens SET access_token = $3, refresh_token = COALESCE($4, refresh_token), expires_at = $5,
              scopes = CASE WHEN cardinality($6::text[]) > 0 THEN $6 ELSE scopes END
            WHERE organization_id = $1 AND id = $2
            """, [s.OrganizationId, id, accessCipher, SqlArg.Text(refreshCipher), expiresAt.UtcDateTime, scopes], ct);
    }

    /// <summary>Deletes the owner's row and returns it (for revocation), or null if there was none.</summary>
    public static async Task<StoredGoogleToken?> DeleteAsync(TenantSession s, CalendarOwner owner, CancellationToken ct)
    {
        return await s.QueryFirstAsync($"DELETE FROM google_tokens WHERE organization_id = $1 AND user_id IS NOT DISTINCT FROM $2 RETURNING {Columns}",
            [s.OrganizationId, Owner(owner)], Token, ct);
    }

    private static StoredGoogleToken Token(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<string[]>(4), r.IsDBNull(5) ? null : r.GetString(5));

    private static NpgsqlParameter Owner(CalendarOwner owner) => SqlArg.Uuid(owner.UserId);
}
