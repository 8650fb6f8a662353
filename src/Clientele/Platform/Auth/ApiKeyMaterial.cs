using System.Security.Cryptography;
using System.Text;

namespace Clientele.Platform.Auth;

/// <summary>API keys: clt_live_ + 40 base62 characters; stored as SHA-256 plus a display prefix.</summary>
public static class ApiKeyMaterial
{
    public const string Prefix = "clt_live_";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewKey() => Prefix + RandomNumberGenerator.GetString(Alphabet, 40);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>What lists show so people can tell keys apart: clt_live_ and four more characters.</summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(key.Length, Prefix.Length + 4)];

    public static bool LooksLikeKey(string value) => value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length is > 20 and < 200;

    public static string RoleForScopes(IReadOnlyCollection<string> scopes) =>
        scopes.Contains("admin") ? "admin" : scopes.Contains("write") ? "member" : "viewer";
}
