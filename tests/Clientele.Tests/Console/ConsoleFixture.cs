using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Clientele.Tests.Infrastructure;
using Microsoft.Playwright;
using Shouldly;
using Xunit;

namespace Clientele.Tests.Console;

/// <summary>Every console test class joins this collection: one host, one fake Graph API and one Chromium for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "Console";
}

/// <summary>
/// The host (with the fake Graph API of ChannelsFixture) plus one headless Debian Chromium shared by
/// all console browser tests. Each test opens its own browser context (cookies apart) through
/// PageAsync, and ends every page with CheckPageAsync: axe-core (serious or critical violations
/// fail), no script error or CSP violation, and a full-page screenshot under bin/.../screens.
/// </summary>
public sealed partial class ConsoleFixture : ChannelsFixture
{
    public const string Password = "correct horse battery";
    private IPlaywright _playwright = null!;
    public IBrowser Chromium { get; private set; } = null!;
    public static string ScreensDir => Path.Combine(AppContext.BaseDirectory, "screens");
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Console", "lib", "axe.min.js")));

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Auth:LockoutThreshold"] = "3";
            c["Webchat:SafetyPollMilliseconds"] = "60000";
            // The product's own mail (invitations, password resets) goes to a loopback SMTP sink.
            c["Smtp:Host"] = Smtp.Host;
            c["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            c["Smtp:EnableSsl"] = "false";
            c["Smtp:FromAddress"] = "console@clientele.test";
            // "Add to Slack" goes to a fake Slack on loopback (consent screen and Web API).
            c["Slack:ClientId"] = Fakes.FakeSlack.ClientId;
            c["Slack:ClientSecret"] = Fakes.FakeSlack.ClientSecret;
            c["Slack:SigningSecret"] = Fakes.FakeSlack.SigningSecret;
            c["Slack:ApiBase"] = new Uri(Slack.BaseAddress, "api/").ToString();
            c["Slack:AuthorizeUrl"] = new Uri(Slack.BaseAddress, "oauth/v2/authorize").ToString();
            return c;
        }
    }

    public Fakes.SmtpSink Smtp { get; private set; } = null!;
    public Fakes.FakeSlack Slack { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Smtp = await Fakes.SmtpSink.StartAsync();
        Slack = await Fakes.FakeSlack.StartAsync();
        await base.InitializeAsync();
        Directory.CreateDirectory(ScreensDir);
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public override async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        await Slack.DisposeAsync();
    }

    /// <summary>A browser page with its own cookies, signed in as the user when given. Problems (script errors, CSP, 5xx) are collected.</summary>
    public async Task<ConsolePage> PageAsync(string? email = null, string password = Password, int width = 1280, int height = 800)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = BaseAddress.ToString() });
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        var cp = new ConsolePage(context, page);
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal)) cp.Problems.Add($"console {m.Type}: {m.Text}"); };
        page.PageError += (_, e) => cp.Problems.Add("page error: " + e);
        page.Response += (_, r) => { if (r.Status >= 500) cp.Problems.Add($"{r.Request.Method} {r.Url} answered {r.Status}"); };
        if (email is not null)
        {
            await page.GotoAsync("/login");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password").FillAsync(password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/app"));
        }
        return cp;
    }

    /// <summary>axe-core on the page (fails on serious/critical), no collected problems, and a screenshot named for the page.</summary>
    public async Task CheckPageAsync(ConsolePage cp, string screenshotName)
    {
        var page = cp.Page;
        await page.WaitForLoadStateAsync(LoadState.Load); // not NetworkIdle: the inbox keeps an event stream open
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreensDir, screenshotName + ".png"), FullPage = true });
        // DevTools evaluation is not subject to the page's CSP, so axe runs without weakening it.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'")) await page.EvaluateAsync(AxeSource.Value);
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
            }
            """);
        var found = violations.EnumerateArray().Select(v => v.GetString()!).ToList();
        found.ShouldBeEmpty($"axe on {screenshotName} ({page.Url}):\n" + string.Join("\n", found));
        cp.Problems.ShouldBeEmpty($"problems on {screenshotName}:\n" + string.Join("\n", cp.Problems));
    }

    /// <summary>The demo organization (as `dotnet run` creates it) shared by the collection's tests (DemoTenant: the demo's
    /// user emails are fixed, so one process fills it once); its owner signs in with Password.</summary>
    public async Task<Tenant> DemoAsync() => (await DemoTenant.GetAsync(this)).Owner;

    /// <summary>A user of the tenant with a role and the fixture's password (set through the database, as invitations come later).</summary>
    public async Task<string> UserAsync(Tenant t, string role, string? name = null)
    {
        var email = $"{role}-{Guid.NewGuid():N}@example.test";
        var created = await t.Http.PostJsonAsync("/api/v1/users", new { email, role, name = name ?? $"{char.ToUpperInvariant(role[0])}{role[1..]} User" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Json?.ToJsonString());
        await using var conn = await OwnerAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("UPDATE users SET password_hash = $1 WHERE email = $2", conn);
        cmd.Parameters.AddWithValue(new Microsoft.AspNetCore.Identity.PasswordHasher<object>().HashPassword(new object(), Password));
        cmd.Parameters.AddWithValue(email);
        (await cmd.ExecuteNonQueryAsync()).ShouldBe(1);
        return email;
    }

    /// <summary>An HttpClient with a cookie jar, signed in through POST /login like a browser (no redirects followed).</summary>
    public async Task<CookieClient> CookieClientAsync(string? email = null, string password = Password)
    {
        var c = new CookieClient(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress });
        if (email is null) return c;
        var res = await c.PostFormAsync("/login", new() { ["email"] = email, ["password"] = password });
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return c;
    }
}

public sealed class ConsolePage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;
    public List<string> Problems { get; } = [];
    public ValueTask DisposeAsync() => Context.DisposeAsync();
}

/// <summary>A cookie-carrying client that reads antiforgery tokens out of pages, as a browser form would send them.</summary>
public sealed partial class CookieClient(HttpClient http) : IDisposable
{
    public HttpClient Http { get; } = http;

    public async Task<string> TokenAsync(string pageUrl)
    {
        var res = await Http.GetAsync(pageUrl);
        var html = await res.Content.ReadAsStringAsync();
        var m = TokenInput().Match(html);
        if (m.Success) return WebUtility.HtmlDecode(m.Groups[1].Value);
        var meta = TokenMeta().Match(html);
        meta.Success.ShouldBeTrue($"no antiforgery token on {pageUrl} ({(int)res.StatusCode} {res.Headers.Location}): {html[..Math.Min(html.Length, 400)]}");
        return WebUtility.HtmlDecode(meta.Groups[1].Value);
    }

    /// <summary>POSTs a form with the antiforgery token of the page (formPage, default the target).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, Dictionary<string, string> fields, string? formPage = null, bool withToken = true)
    {
        var all = new Dictionary<string, string>(fields);
        if (withToken) all["__RequestVerificationToken"] = await TokenAsync(formPage ?? url);
        return await Http.PostAsync(url, new FormUrlEncodedContent(all));
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<meta name=\"request-verification-token\" content=\"([^\"]+)\"")]
    private static partial Regex TokenMeta();
}
