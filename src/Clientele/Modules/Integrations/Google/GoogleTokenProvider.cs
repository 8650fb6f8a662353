using System.Security.Cryptography;
using Clientele.Platform.Database;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Integrations.Google;

/// <summary>
/// A usable access token for a calendar owner. A token expired or within Google__RefreshSkewSeconds
/// (60 s) of expiry is refreshed under a row lock (SELECT … FOR UPDATE) in a session of its own, so
/// concurrent callers refresh once and the row is never written twice at the same time; the second
/// caller finds the new token when it gets the lock. Tokens are decrypted only here.
/// </summary>
public sealed class GoogleTokenProvider(TenantSessions sessions, BodyBinder secrets, GoogleOAuthClient oauth, GoogleOptions options, TimeProvider clock)
{
    public Task<string> GetAccessTokenAsync(TenantSession s, CalendarOwner owner, CancellationToken ct) =>
        GetAsync(s.Tenant, owner, rejected: null, ct);

    /// <summary>After Google refused `rejected` (401): a new token, unless another caller already replaced it.</summary>
    public Task<string> RefreshAfterRejectionAsync(TenantSession s, CalendarOwner owner, string rejected, CancellationToken ct) =>
        GetAsync(s.Tenant, owner, rejected, ct);

    private async Task<string> GetAsync(TenantContext tenant, CalendarOwner owner, string? rejected, CancellationToken ct)
    {
        await using var s = sessions.Open(tenant);
        var row = await GoogleTokenStore.ReadAsync(s, owner, forUpdate: false, ct) ?? throw NotConnected(owner);
        if (rejected is null && Fresh(row)) return Decrypt(row.AccessCipher);

        await s.BeginAsync(ct);
        row = await GoogleTokenStore.ReadAsync(s, owner, forUpdate: true, ct) ?? throw NotConnected(owner);
        var current = Decrypt(row.AccessCipher);
        if (rejected is null ? Fresh(row) : current != rejected)
        {
            await s.RollbackAsync(ct);
            return current;
        }
        var grant = await oauth.RefreshAsync(Decrypt(row.RefreshCipher), ct);
        await GoogleTokenStore.UpdateRefreshedAsync(s, row.Id, secrets.Protect(grant.AccessToken),
            grant.RefreshToken is { } rotated ? secrets.Protect(rotated) : null, grant.ExpiresAt, grant.Scopes, ct);
        await s.CommitAsync(ct);
        return grant.AccessToken;
    }

    private bool Fresh(StoredGoogleToken row) => row.ExpiresAt > clock.GetUtcNow() + options.RefreshSkew;

    private string Decrypt(string cipher)
    {
        try { return secrets.Unprotect(cipher); }
        catch (CryptographicException)
        {
            throw new GoogleNotConnectedException("The stored Google token cannot be decrypted (written by another installation or in plain text); connect Google Calendar again.");
        }
    }

    internal static GoogleNotConnectedException NotConnected(CalendarOwner owner) => new(owner.IsOrganization
        ? "The organization has not connected Google Calendar: an admin opens GET /api/v1/integrations/google/authorize."
        : $"User {owner.UserId} has not connected Google Calendar: they open GET /api/v1/integrations/google/authorize?for=user.");
}
