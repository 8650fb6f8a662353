using System.Security.Cryptography;
using System.Text;

namespace Clientele.Modules.Team.Invitations;

/// <summary>
/// Emailed secrets (invitations, password resets): 32 random bytes as URL-safe text, of which only
/// the SHA-256 (hex) is stored, so a read of the table cannot be turned into a working link.
/// </summary>
public static class InvitationTokens
{
    public static (string Token, string Hash) New()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A link's token is 43 URL-safe characters; anything else is not one of ours (no database look-up).</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } t && t.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
