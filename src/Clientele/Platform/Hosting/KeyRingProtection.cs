using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Clientele.Platform.Hosting;

/// <summary>
/// The Data Protection key ring (in PostgreSQL, table data_protection_keys) is encrypted at rest
/// with an X.509 certificate the operator supplies (docs/security.md "Key ring"):
///   DataProtection:CertificatePath (+ DataProtection:CertificatePassword), or
///   DataProtection:Certificate = the PFX in base64 (e.g. the DataProtection__Certificate environment secret);
///   DataProtection:PreviousCertificatePaths = older certificates, still able to decrypt (rotation).
/// Without one, a certificate is generated once at $CLIENTELE_HOME/data-protection.pfx (mode 600),
/// which suits the single-node local default; several nodes must share one configured certificate.
/// </summary>
public static class KeyRingProtection
{
    public const string GeneratedFileName = "data-protection.pfx";

    public static IDataProtectionBuilder ProtectKeyRing(this IDataProtectionBuilder builder, IConfiguration config, ILogger log)
    {
        var (current, source) = Current(config, log);
        var previous = (config["DataProtection:PreviousCertificatePaths"] ?? "")
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => Load(File.ReadAllBytes(p), config["DataProtection:PreviousCertificatePassword"], p)).ToArray();
        log.LogInformation("Data Protection keys are encrypted with certificate {Thumbprint} ({Source})", current.Thumbprint, source);
        return builder.ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
    }

    private static (X509Certificate2 Cert, string Source) Current(IConfiguration config, ILogger log)
    {
        var password = config["DataProtection:CertificatePassword"];
        if (config["DataProtection:Certificate"] is { Length: > 0 } base64)
        {
            byte[] bytes;
            try { bytes = Convert.FromBase64String(base64.Trim()); }
            catch (FormatException) { throw new InvalidOperationException("DataProtection:Certificate must be a PFX file in base64."); }
            return (Load(bytes, password, "DataProtection:Certificate"), "DataProtection:Certificate");
        }
        if (config["DataProtection:CertificatePath"] is { Length: > 0 } path)
        {
            if (!File.Exists(path)) throw new InvalidOperationException($"DataProtection:CertificatePath: no file at {path}.");
            return (Load(File.ReadAllBytes(path), password, path), path);
        }
        var home = config["CLIENTELE_HOME"] ?? Environment.GetEnvironmentVariable("CLIENTELE_HOME") ?? ".clientele";
        var generated = Path.GetFullPath(Path.Combine(home, GeneratedFileName));
        if (!File.Exists(generated))
        {
            Generate(generated);
            if (!string.IsNullOrEmpty(config.GetConnectionString("Clientele")))
                log.LogWarning("Generated {Path} to encrypt the Data Protection key ring; with several nodes, give every node the same " +
                               "certificate (DataProtection__CertificatePath or DataProtection__Certificate)", generated);
        }
        return (Load(File.ReadAllBytes(generated), null, generated), generated);
    }

    private static X509Certificate2 Load(byte[] pfx, string? password, string what)
    {
        try
        {
            var cert = X509CertificateLoader.LoadPkcs12(pfx, password, X509KeyStorageFlags.Exportable);
            if (!cert.HasPrivateKey || cert.GetRSAPrivateKey() is null)
                throw new InvalidOperationException($"{what}: the certificate needs an RSA private key.");
            return cert;
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{what}: cannot read the certificate ({e.Message}); is the password right?", e);
        }
    }

    /// <summary>A self-signed RSA 3072 certificate, written atomically with mode 600 (concurrent starts agree on one file).</summary>
    private static void Generate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Clientele Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var f = new FileStream(temp, options)) f.Write(cert.Export(X509ContentType.Pfx));
        try { File.Move(temp, path, overwrite: false); }
        catch (IOException) when (File.Exists(path)) { File.Delete(temp); } // another process won the race: use its file
    }
}
