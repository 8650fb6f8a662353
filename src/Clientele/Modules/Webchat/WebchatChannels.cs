using System.Text.Json.Nodes;
using Clientele.Modules.Channels;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace Clientele.Modules.Webchat;

/// <summary>A webchat channel as the public endpoints need it.</summary>
public sealed record WebchatChannel(Guid OrganizationId, Guid PhoneNumberId, string PublicKey, IReadOnlyList<string> AllowedOrigins, string? DisplayName, JsonObject Settings)
{
    public TenantContext Tenant => new() { OrganizationId = OrganizationId, ActorType = "system", Role = Roles.Viewer };

    /// <summary>Whether a browser page on this origin may call the channel: listed in allowed_origins ("*" allows any).</summary>
    public bool Allows(string origin)
    {
        var o = WebchatChannels.NormalizeOrigin(origin);
        return o is not null && AllowedOrigins.Any(a => a == "*" || a == o);
    }
}

/// <summary>
/// Finds webchat channels by public key (ChannelResolver, then the row in its tenant's session),
/// cached briefly per node, and applies the channel's CORS rules to a request.
/// </summary>
public sealed class WebchatChannels(ChannelResolver resolver, TenantSessions sessions, IMemoryCache cache, WebchatOptions options)
{
    public async Task<WebchatChannel?> FindAsync(string publicKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(publicKey) || publicKey.Length > 64 || !publicKey.StartsWith("pk_", StringComparison.Ordinal)) return null;
        var key = "webchat:channel:" + publicKey;
        if (cache.TryGetValue(key, out WebchatChannel? hit)) return hit;
        var channel = await LoadAsync(publicKey, ct);
        var ttl = channel is null ? TimeSpan.FromSeconds(Math.Min(5, options.ChannelCache.TotalSeconds)) : options.ChannelCache;
        if (ttl > TimeSpan.Zero) cache.Set(key, channel, ttl);
        return channel;
    }

    private async Task<WebchatChannel?> LoadAsync(string publicKey, CancellationToken ct)
    {
        // clientele_resolve_channel also matches meta_phone_number_id: only the real public key counts here.
        var resolved = await resolver.ResolveAsync("webchat", publicKey, ct);
        if (resolved is null) return null;
        await using var s = sessions.Open(new TenantContext { OrganizationId = resolved.OrganizationId, ActorType = "system", Role = Roles.Viewer });
        await using var r = await s.BatchReaderAsync("""
            SELECT allowed_origins, display_name, settings::text FROM phone_numbers
            WHERE organization_id = $1 AND id = $2 AND platform = 'webchat' AND public_key = $3 AND is_active
            """, [resolved.OrganizationId, resolved.PhoneNumberId, publicKey], ct);
        if (!await r.ReadAsync(ct)) return null;
        var origins = r.GetFieldValue<string[]>(0).Select(o => o.Trim() == "*" ? "*" : NormalizeOrigin(o)).OfType<string>().Distinct().ToList();
        var settings = JsonNode.Parse(r.GetString(2)) as JsonObject ?? [];
        return new WebchatChannel(resolved.OrganizationId, resolved.PhoneNumberId, publicKey, origins, r.IsDBNull(1) ? null : r.GetString(1), settings);
    }

    /// <summary>"HTTPS://Shop.Example:443/" → "https://shop.example"; null when it is not an http(s) origin.</summary>
    public static string? NormalizeOrigin(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")) return null;
        return u.IsDefaultPort ? $"{u.Scheme}://{u.IdnHost}" : $"{u.Scheme}://{u.IdnHost}:{u.Port}";
    }

    public const string AllowedMethods = "GET, POST, OPTIONS";
    public const string AllowedHeaders = "Authorization, Content-Type, Last-Event-ID";

    /// <summary>
    /// CORS for the channel: a request with an Origin the channel does not list is refused (403);
    /// an allowed one gets Access-Control-Allow-Origin for exactly that origin. A request without
    /// Origin, or with this host's own origin (not a cross-origin browser call), passes: the visitor
    /// token authenticates it.
    /// </summary>
    public static void ApplyCors(HttpContext ctx, WebchatChannel channel)
    {
        ctx.Response.Headers.Append("Vary", "Origin");
        var origin = ctx.Request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin)) return;
        // A page served by this host itself is same-origin, not cross-origin: CORS does not apply.
        if (NormalizeOrigin(origin.ToString()) is { } o && o == NormalizeOrigin($"{ctx.Request.Scheme}://{ctx.Request.Host}")) return;
        if (!channel.Allows(origin.ToString()))
            throw ProblemException.Forbidden($"The origin {origin} is not in this webchat channel's allowed_origins.");
        ctx.Response.Headers.AccessControlAllowOrigin = origin.ToString();
        ctx.Response.Headers.AccessControlExposeHeaders = "Retry-After, X-Request-Id";
    }

    public static bool IsPreflight(HttpRequest r) =>
        HttpMethods.IsOptions(r.Method) && r.Headers.ContainsKey("Origin") && r.Headers.ContainsKey("Access-Control-Request-Method");
}
