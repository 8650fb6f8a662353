using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Slack's request signing: X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret,
/// "v0:{X-Slack-Request-Timestamp}:{raw body}")). A timestamp more than 5 minutes from now is
/// refused (replays), and the comparison takes constant time.
/// </summary>
public static class SlackSignature
{
    public enum Verdict { Valid, Missing, Stale, Mismatch }

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp.ToString(CultureInfo.InvariantCulture)}:");
        var basestring = new byte[prefix.Length + body.Length];
        prefix.CopyTo(basestring, 0);
        body.CopyTo(basestring.AsSpan(prefix.Length));
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), basestring));
    }

    public static Verdict Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signatureHeader) || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var ts)) return Verdict.Missing;
        if (Math.Abs(now.ToUnixTimeSeconds() - ts) > SlackOptions.SignatureTolerance.TotalSeconds) return Verdict.Stale;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, ts, body));
        var given = Encoding.ASCII.GetBytes(signatureHeader.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, given) ? Verdict.Valid : Verdict.Mismatch;
    }
}
