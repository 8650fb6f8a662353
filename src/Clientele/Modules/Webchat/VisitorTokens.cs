using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Modules.Webchat;

/// <summary>What a visitor token proves: this visitor of this channel (and the name and email they gave).</summary>
public sealed record Visitor(Guid OrganizationId, Guid ChannelId, string VisitorId, string? Name, string? Email);

/// <summary>
/// Visitor tokens: the Visitor, encrypted and signed with ASP.NET Core Data Protection (keys shared
/// by every node through PostgreSQL) with an expiry. Nothing is stored: a token that decrypts is valid.
/// </summary>
public sealed class VisitorTokens(IDataProtectionProvider provider, WebchatOptions options)
{
    public const string Purpose = "Clientele.Webchat.Visitor.v1";
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Claims(Guid O, Guid C, string V, string? N, string? E);

    public static string NewVisitorId() => "v_" + Guid.NewGuid().ToString("N");

    public string Issue(Visitor v) =>
        _protector.Protect(JsonSerializer.Serialize(new Claims(v.OrganizationId, v.ChannelId, v.VisitorId, v.Name, v.Email), Json), options.VisitorTokenLifetime);

    /// <summary>The visitor, or null when the token is malformed, tampered with or expired.</summary>
    public Visitor? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4096) return null;
        try
        {
            var c = JsonSerializer.Deserialize<Claims>(_protector.Unprotect(token.Trim()), Json);
            return c is null || string.IsNullOrEmpty(c.V) ? null : new Visitor(c.O, c.C, c.V, c.N, c.E);
        }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
        catch (JsonException) { return null; }
    }
}
