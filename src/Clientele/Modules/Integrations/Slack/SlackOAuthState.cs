using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>What a state proves: this user of this organization started "Add to Slack", with this redirect URI.</summary>
public sealed record SlackOAuthStart(Guid OrganizationId, Guid UserId, string RedirectUri);

/// <summary>
/// The OAuth `state` for "Add to Slack": encrypted and signed with Data Protection (keys shared by
/// every node), valid 10 minutes, unique by a nonce. The callback trusts the organization and user
/// only from here, never from the query string.
/// </summary>
public sealed class SlackOAuthState(IDataProtectionProvider provider, SlackOptions options)
{
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Clientele.Slack.OAuthState.v1").ToTimeLimitedDataProtector();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Claims(Guid O, Guid U, string R, string N);

    public string Issue(SlackOAuthStart start) =>
        _protector.Protect(JsonSerializer.Serialize(new Claims(start.OrganizationId, start.UserId, start.RedirectUri, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))), Json),
            DateTimeOffset.UtcNow + options.StateLifetime);

    /// <summary>The start, or null when the state is missing, tampered with or expired.</summary>
    public SlackOAuthStart? Read(string? state)
    {
        if (string.IsNullOrWhiteSpace(state) || state.Length > 4096) return null;
        try
        {
            var c = JsonSerializer.Deserialize<Claims>(_protector.Unprotect(state.Trim()), Json);
            return c is null || c.O == Guid.Empty || c.U == Guid.Empty || string.IsNullOrEmpty(c.R) ? null : new SlackOAuthStart(c.O, c.U, c.R);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException) { return null; }
    }
}
