using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Modules.Integrations.Google;

/// <summary>What a state proves: this organization started connecting this owner's calendar, with this redirect URI, and by whom.</summary>
public sealed record OAuthStart(Guid OrganizationId, CalendarOwner Owner, string RedirectUri, Guid? StartedByUser, Guid? StartedByKey);

/// <summary>
/// The OAuth `state`: the OAuthStart encrypted and signed with Data Protection (keys shared by
/// every node through PostgreSQL) with an expiry (Google__StateLifetimeMinutes, 10). The callback
/// trusts the organization and user only from here, never from the query string.
/// </summary>
public sealed class GoogleOAuthState(IDataProtectionProvider provider, GoogleOptions options)
{
    public const string Purpose = "Clientele.Google.OAuthState.v1";
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Claims(Guid O, Guid? U, string R, Guid? B, Guid? K, string N);

    public (string State, DateTimeOffset ExpiresAt) Issue(OAuthStart start)
    {
        var expires = DateTimeOffset.UtcNow + options.StateLifetime;
        // The nonce makes every state unique, so a state cannot be guessed from an earlier one.
        var claims = new Claims(start.OrganizationId, start.Owner.UserId, start.RedirectUri, start.StartedByUser, start.StartedByKey, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        return (_protector.Protect(JsonSerializer.Serialize(claims, Json), expires), expires);
    }

    /// <summary>The start, or null when the state is missing, tampered with or expired.</summary>
    public OAuthStart? Read(string? state)
    {
        if (string.IsNullOrWhiteSpace(state) || state.Length > 4096) return null;
        try
        {
            var c = JsonSerializer.Deserialize<Claims>(_protector.Unprotect(state.Trim()), Json);
            return c is null || c.O == Guid.Empty || string.IsNullOrEmpty(c.R) ? null : new OAuthStart(c.O, new CalendarOwner(c.U), c.R, c.B, c.K);
        }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
        catch (JsonException) { return null; }
    }
}
