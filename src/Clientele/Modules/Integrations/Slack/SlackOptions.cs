using Microsoft.Extensions.Configuration;

namespace Clientele.Modules.Integrations.Slack;

/// <summary>
/// Slack__ClientId, Slack__ClientSecret (the app's OAuth credentials), Slack__SigningSecret (verifies
/// interactivity requests), Slack__ApiBase (Web API root, default https://slack.com/api/),
/// Slack__AuthorizeUrl (default https://slack.com/oauth/v2/authorize), Slack__RedirectUri (default
/// {App__PublicBaseUrl or the request's origin}/oauth/slack/callback), Slack__Scopes (bot scopes).
/// Tests point ApiBase and AuthorizeUrl at a fake on loopback.
/// </summary>
public sealed class SlackOptions(IConfiguration config)
{
    /// <summary>Post messages, DM the installer, and read a clicking user's email to find them in Clientele.</summary>
    public const string DefaultScopes = "chat:write,chat:write.public,im:write,users:read,users:read.email";
    public const string CallbackPath = "/oauth/slack/callback";
    /// <summary>Slack's documented replay window for X-Slack-Request-Timestamp.</summary>
    public static readonly TimeSpan SignatureTolerance = TimeSpan.FromMinutes(5);

    public string? ClientId => Value("Slack:ClientId");
    public string? ClientSecret => Value("Slack:ClientSecret");
    public string? SigningSecret => Value("Slack:SigningSecret");
    public bool Configured => ClientId is not null && ClientSecret is not null;

    public Uri ApiBase => new((Value("Slack:ApiBase") ?? "https://slack.com/api/").TrimEnd('/') + "/");
    public Uri AuthorizeUrl => new(Value("Slack:AuthorizeUrl") ?? "https://slack.com/oauth/v2/authorize");
    public string? RedirectUri => Value("Slack:RedirectUri");
    public string? PublicBaseUrl => Value("App:PublicBaseUrl")?.TrimEnd('/');
    public string Scopes => Value("Slack:Scopes") ?? DefaultScopes;
    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, config.GetValue("Slack:TimeoutSeconds", 10.0)));
    public TimeSpan StateLifetime => TimeSpan.FromMinutes(10);

    /// <summary>Absolute links in messages: App__PublicBaseUrl, else none (a relative link is useless in Slack).</summary>
    public string? Absolute(string? link) => link switch
    {
        null or "" => null,
        _ when link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase) => link,
        _ when PublicBaseUrl is { } b => b + (link.StartsWith('/') ? link : "/" + link),
        _ => null,
    };

    private string? Value(string key) => config[key] is { Length: > 0 } v ? v.Trim() : null;
}
