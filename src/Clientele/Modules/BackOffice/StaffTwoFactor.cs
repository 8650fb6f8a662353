using Microsoft.AspNetCore.DataProtection;
using OtpNet;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// TOTP (RFC 6238, 30 s steps, 6 digits) with Otp.NET. The secret is stored as Data Protection
/// ciphertext; a code is accepted within one step either side and only once (its step must be
/// later than the last accepted one).
/// </summary>
public sealed class StaffTwoFactor(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Issuer = "Clientele back office";
    private readonly IDataProtector _protector = protection.CreateProtector("Clientele.BackOffice.Totp");

    public sealed record Enrolment(string Secret, string ProtectedSecret, string OtpAuthUri);

    /// <summary>A new random secret (160 bits), its stored form and the otpauth:// URI an authenticator app scans.</summary>
    public Enrolment NewEnrolment(string email)
    {
        var key = KeyGeneration.GenerateRandomKey(20);
        var secret = Base32Encoding.ToString(key);
        var uri = new OtpUri(OtpType.Totp, secret, email, Issuer).ToString();
        return new Enrolment(secret, _protector.Protect(secret), uri);
    }

    /// <summary>The matched time step, or null when the code is wrong, stale or already used.</summary>
    public long? Verify(string protectedSecret, string? code, long? lastStep)
    {
        code = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit)) return null;
        string secret;
        try { secret = _protector.Unprotect(protectedSecret); }
        catch (System.Security.Cryptography.CryptographicException) { return null; }
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1))) return null;
        return lastStep is { } last && step <= last ? null : step;
    }

    /// <summary>The code for now (tests and the CLI's self-check use it).</summary>
    public static string CodeFor(string secret, DateTime utc) => new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(utc);
}
