using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Clientele.Tests.Fakes;

/// <summary>
/// Slack on loopback, speaking its wire formats: the consent screen (GET /oauth/v2/authorize answers
/// with the redirect Slack sends after the user allows it), and the Web API under /api/: oauth.v2.access
/// (client credentials by HTTP Basic or form, one-time codes, redirect_uri checked), chat.postMessage
/// (JSON body, Bearer bot token), users.info (form), auth.revoke. Answers are HTTP 200 with
/// {"ok":true,…} or {"ok":false,"error":"…"} as Slack's are. POST /response/{id} stands for an
/// interaction's response_url. Every call is recorded; Interaction builds the signed request Slack
/// would send to the app's interactivity URL.
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string ClientId = "1111.2222";
    public const string ClientSecret = "fake-slack-client-secret";
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    public sealed record Call(string Method, string Path, string? Authorization, string? ContentType, string Body)
    {
        public JsonNode? Json => Body.StartsWith('{') ? JsonNode.Parse(Body) : null;
        public Dictionary<string, string> Form => QueryHelpers.ParseQuery(Body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
    }

    /// <summary>Who installs the app on the next consent screen: workspace and the installing Slack user.</summary>
    public sealed record Install(string TeamId, string TeamName, string UserId);

    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, (Install Install, string RedirectUri, string Scope)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _botTokens = new(); // token → team id

    public ConcurrentQueue<Call> Calls { get; } = new();
    /// <summary>Slack users by id: their profile email.</summary>
    public ConcurrentDictionary<string, string> Users { get; } = new();
    /// <summary>Channels that do not exist (chat.postMessage answers channel_not_found).</summary>
    public ConcurrentBag<string> MissingChannels { get; } = [];
    public Uri BaseAddress { get; private set; } = null!;
    public Install NextInstall { get; set; } = new("T0001", "Acme Workspace", "U0001");
    public bool NextConsentDenied { get; set; }

    public IEnumerable<Call> CallsTo(string path) => Calls.Where(c => c.Path == path);
    /// <summary>Messages Slack accepted from chat.postMessage (their JSON bodies).</summary>
    public List<JsonObject> Accepted { get; } = [];
    public JsonObject[] AcceptedSnapshot() { lock (Accepted) return [.. Accepted]; }
    public bool IsBotToken(string token) => _botTokens.ContainsKey(token);
    public Uri ResponseUrl(string id) => new(BaseAddress, $"response/{id}");
    public IEnumerable<JsonNode?> ResponsesTo(string id) => CallsTo($"/response/{id}").Select(c => c.Json);

    public static async Task<FakeSlack> StartAsync()
    {
        var fake = new FakeSlack();
        var b = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        b.Logging.ClearProviders();
        fake._app = b.Build();
        fake._app.Use(async (ctx, next) =>
        {
            ctx.Request.EnableBuffering();
            var body = await new StreamReader(ctx.Request.Body, Encoding.UTF8).ReadToEndAsync();
            ctx.Request.Body.Position = 0;
            fake.Calls.Enqueue(new Call(ctx.Request.Method, ctx.Request.Path, ctx.Request.Headers.Authorization, ctx.Request.ContentType, body));
            await next(ctx);
        });
        fake._app.MapGet("/oauth/v2/authorize", (Delegate)fake.Consent);
        fake._app.MapPost("/api/oauth.v2.access", (Delegate)fake.Access);
        fake._app.MapPost("/api/chat.postMessage", (Delegate)fake.PostMessage);
        fake._app.MapPost("/api/users.info", (Delegate)fake.UserInfo);
        fake._app.MapPost("/api/auth.revoke", (Delegate)fake.Revoke);
        fake._app.MapPost("/response/{id}", () => Results.Text("ok"));
        await fake._app.StartAsync();
        fake.BaseAddress = new Uri(fake._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    private IResult Consent(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        if (q["client_id"] != ClientId || string.IsNullOrEmpty(q["redirect_uri"]) || string.IsNullOrEmpty(q["scope"]))
            return Results.Text("invalid_client_id or missing redirect_uri/scope", statusCode: 400);
        var redirect = q["redirect_uri"].ToString();
        var state = q["state"].ToString();
        if (NextConsentDenied) return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = state }));
        var code = "code-" + Guid.NewGuid().ToString("N");
        _codes[code] = (NextInstall, redirect, q["scope"].ToString());
        return Results.Redirect(QueryHelpers.AddQueryString(redirect, new Dictionary<string, string?> { ["code"] = code, ["state"] = state }));
    }

    private async Task<IResult> Access(HttpContext ctx)
    {
        var form = await ctx.Request.ReadFormAsync();
        string? id = form["client_id"], secret = form["client_secret"];
        if (AuthenticationHeaderValue.TryParse(ctx.Request.Headers.Authorization, out var auth) && auth.Scheme == "Basic" && auth.Parameter is { } p)
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(p)).Split(':', 2);
            (id, secret) = (parts[0], parts.ElementAtOrDefault(1));
        }
        if (id != ClientId) return Fail("invalid_client_id");
        if (secret != ClientSecret) return Fail("bad_client_secret");
        if (!_codes.TryRemove(form["code"].ToString(), out var grant)) return Fail("invalid_code");
        if (form["redirect_uri"] != grant.RedirectUri) return Fail("bad_redirect_uri");
        var bot = "xoxb-" + Guid.NewGuid().ToString("N");
        _botTokens[bot] = grant.Install.TeamId;
        return Results.Json(new JsonObject
        {
            ["ok"] = true, ["access_token"] = bot, ["token_type"] = "bot", ["scope"] = grant.Scope,
            ["bot_user_id"] = "UBOT" + grant.Install.TeamId, ["app_id"] = "A0FAKE",
            ["team"] = new JsonObject { ["name"] = grant.Install.TeamName, ["id"] = grant.Install.TeamId },
            ["enterprise"] = null, ["is_enterprise_install"] = false,
            ["authed_user"] = new JsonObject { ["id"] = grant.Install.UserId },
        });
    }

    private async Task<IResult> PostMessage(HttpContext ctx)
    {
        if (Bearer(ctx) is null) return Fail("invalid_auth");
        if (ctx.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) return Fail("invalid_arguments");
        var body = await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(ctx.Request.Body);
        var channel = body?["channel"]?.GetValue<string>();
        if (string.IsNullOrEmpty(channel)) return Fail("channel_not_found");
        if (MissingChannels.Contains(channel)) return Fail("channel_not_found");
        if (body!["text"] is null && body["blocks"] is null) return Fail("no_text");
        lock (Accepted) Accepted.Add(body);
        var ts = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Random.Shared.Next(100000, 999999)}";
        return Results.Json(new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = new JsonObject { ["text"] = body["text"]?.DeepClone(), ["ts"] = ts } });
    }

    private async Task<IResult> UserInfo(HttpContext ctx)
    {
        if (Bearer(ctx) is not { } team) return Fail("invalid_auth");
        var form = await ctx.Request.ReadFormAsync();
        var user = form["user"].ToString();
        if (!Users.TryGetValue(user, out var email)) return Fail("user_not_found");
        return Results.Json(new JsonObject
        {
            ["ok"] = true,
            ["user"] = new JsonObject { ["id"] = user, ["team_id"] = team, ["name"] = email.Split('@')[0], ["profile"] = new JsonObject { ["email"] = email } },
        });
    }

    private IResult Revoke(HttpContext ctx)
    {
        var token = ctx.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        return _botTokens.TryRemove(token, out _) ? Results.Json(new JsonObject { ["ok"] = true, ["revoked"] = true }) : Fail("invalid_auth");
    }

    /// <summary>The team of a valid Bearer bot token, or null.</summary>
    private string? Bearer(HttpContext ctx) =>
        AuthenticationHeaderValue.TryParse(ctx.Request.Headers.Authorization, out var a) && a.Scheme == "Bearer" && a.Parameter is { } t && _botTokens.TryGetValue(t, out var team) ? team : null;

    private static IResult Fail(string error) => Results.Json(new JsonObject { ["ok"] = false, ["error"] = error });

    /// <summary>
    /// What Slack POSTs to the interactivity URL when someone clicks a button: form field `payload`
    /// with the block_actions JSON, signed with X-Slack-Signature over "v0:{timestamp}:{body}".
    /// </summary>
    public HttpRequestMessage Interaction(string path, string teamId, string slackUserId, JsonObject action, string responseId,
        string secret = SigningSecret, DateTimeOffset? at = null, Func<string, string>? tamper = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = slackUserId, ["username"] = "someone", ["team_id"] = teamId },
            ["api_app_id"] = "A0FAKE",
            ["team"] = new JsonObject { ["id"] = teamId, ["domain"] = "acme" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000100", ["channel_id"] = "C0FAKE", ["is_ephemeral"] = false },
            ["trigger_id"] = "123.456.abc",
            ["channel"] = new JsonObject { ["id"] = "C0FAKE", ["name"] = "cs" },
            ["response_url"] = ResponseUrl(responseId).ToString(),
            ["actions"] = new JsonArray { action.DeepClone() },
        };
        var body = "payload=" + Uri.EscapeDataString(payload.ToJsonString());
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        // Signed here as Slack documents it, independently of the product's SlackSignature.
        var signature = "v0=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"v0:{ts}:{body}")));
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(tamper?.Invoke(body) ?? body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        req.Headers.Add("X-Slack-Request-Timestamp", ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        req.Headers.Add("X-Slack-Signature", signature);
        return req;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
