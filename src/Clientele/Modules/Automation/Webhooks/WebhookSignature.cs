using System.Security.Cryptography;
using System.Text;

namespace Clientele.Modules.Automation.Webhooks;

/// <summary>
/// Clientele-Signature: t={unix seconds},v1={hex HMAC-SHA256(secret, "{t}.{body}")} - Stripe's
/// scheme: the receiver recomputes v1 over the raw body and rejects old t (replays).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Clientele-Signature";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>The receiver's check (also what the docs' recipe does).</summary>
    public static bool Verify(string secret, string header, string body, TimeSpan tolerance, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !long.TryParse(t, out var ts) || !parts.TryGetValue("v1", out var v1)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > tolerance.TotalSeconds) return false;
        var expected = Sign(secret, ts, body).Split("v1=")[1];
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1));
    }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
}
