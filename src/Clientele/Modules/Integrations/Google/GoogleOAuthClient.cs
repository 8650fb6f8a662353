using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Clientele.Modules.Integrations.Google;

/// <summary>What Google's token endpoint granted. RefreshToken is null when Google kept the previous one.</summary>
public sealed record GoogleTokenGrant(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt, string[] Scopes, string TokenType, string? Email);

/// <summary>
/// Google's OAuth 2.0 token endpoint (https://developers.google.com/identity/protocols/oauth2/web-server):
/// POST form-encoded grant_type=authorization_code (code, client_id, client_secret, redirect_uri) or
/// grant_type=refresh_token; revocation at /revoke. 4xx answers are OAuth errors ({error, error_description}).
/// </summary>
public sealed class GoogleOAuthClient(GoogleHttp http, GoogleOptions options, TimeProvider clock)
{
    public Task<GoogleTokenGrant> ExchangeCodeAsync(string code, string redirectUri, CancellationToken ct) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri,
        }, "Exchanging the authorization code", ct);

    /// <summary>A fresh access token; GoogleNotConnectedException when Google no longer honours the refresh token.</summary>
    public async Task<GoogleTokenGrant> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        try
        {
            return await TokenAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, "Refreshing the access token", ct);
        }
        catch (GoogleApiException e) when (e.Reason == "invalid_grant")
        {
            throw new GoogleNotConnectedException("Google no longer accepts the stored refresh token (revoked or expired); connect Google Calendar again.");
        }
    }

    /// <summary>Best effort: tells Google to forget the grant (the local row is deleted either way).</summary>
    public async Task<bool> RevokeAsync(string token, CancellationToken ct)
    {
        try
        {
            var res = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, options.RevokeUrl)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
            }, "Revoking the token", ct);
            return res.Ok;
        }
        catch (GoogleApiException) { return false; }
    }

    private async Task<GoogleTokenGrant> TokenAsync(Dictionary<string, string> form, string what, CancellationToken ct)
    {
        if (!options.Configured) throw new GoogleNotConnectedException("Google OAuth is not configured: set Google__ClientId and Google__ClientSecret.");
        form["client_id"] = options.ClientId!;
        form["client_secret"] = options.ClientSecret!;
        var res = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, options.TokenUrl) { Content = new FormUrlEncodedContent(form) }, what, ct);
        if (!res.Ok) throw res.ToException(what);
        var json = res.Json as JsonObject;
        var access = GoogleResponse.Str(json?["access_token"]);
        if (string.IsNullOrEmpty(access)) throw new GoogleApiException(502, null, $"{what}: Google's answer has no access_token.");
        var expiresIn = json!["expires_in"] is JsonValue v && v.TryGetValue<double>(out var secs) ? secs : 3600;
        return new GoogleTokenGrant(
            access,
            GoogleResponse.Str(json["refresh_token"]) is { Length: > 0 } r ? r : null,
            clock.GetUtcNow().AddSeconds(expiresIn),
            (GoogleResponse.Str(json["scope"]) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            GoogleResponse.Str(json["token_type"]) ?? "Bearer",
            EmailFromIdToken(GoogleResponse.Str(json["id_token"])));
    }

    /// <summary>
    /// The email claim of the ID token. It came straight from Google's token endpoint over TLS, so
    /// Google's guidance allows reading it without checking the signature.
    /// </summary>
    internal static string? EmailFromIdToken(string? idToken)
    {
        var parts = idToken?.Split('.');
        if (parts is not { Length: 3 }) return null;
        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            var claims = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return GoogleResponse.Str(claims?["email"]);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException) { return null; }
    }
}
