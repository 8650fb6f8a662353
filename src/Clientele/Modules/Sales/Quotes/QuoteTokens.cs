using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace Clientele.Modules.Sales.Quotes;

/// <summary>What an acceptance link names: this quote of this organization, until Expires.</summary>
public sealed record QuoteLink(Guid OrganizationId, Guid QuoteId, DateTimeOffset Expires)
{
    public bool ExpiredAt(DateTimeOffset now) => Expires <= now;
}

/// <summary>
/// The public acceptance link's token (/quotes/accept/{token}): the quote and organization with an
/// expiry (the quote's valid_until), encrypted and signed by ASP.NET Core Data Protection (keys shared
/// by every node through PostgreSQL). Nothing is stored; a changed character fails the signature.
/// The expiry is inside the payload rather than a time-limited protector's, so the page can say
/// "expired" (410) apart from "this link does not work" (404).
/// </summary>
public sealed class QuoteTokens(IDataProtectionProvider provider)
{
    public const string Purpose = "Clientele.Sales.QuoteAcceptance.v1";
    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    private sealed record Claims(Guid O, Guid Q, long E);

    public string Issue(QuoteLink link) =>
        _protector.Protect(JsonSerializer.Serialize(new Claims(link.OrganizationId, link.QuoteId, link.Expires.ToUnixTimeSeconds())));

    /// <summary>The link, or null when the token is malformed or was tampered with (expiry is the caller's check).</summary>
    public QuoteLink? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2048) return null;
        try
        {
            var c = JsonSerializer.Deserialize<Claims>(_protector.Unprotect(token.Trim()));
            return c is null || c.Q == Guid.Empty ? null : new QuoteLink(c.O, c.Q, DateTimeOffset.FromUnixTimeSeconds(c.E));
        }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
        catch (JsonException) { return null; }
    }
}
