using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Clientele.Tests.Infrastructure;

/// <summary>
/// The real host on Kestrel (loopback, a free port) against its own cloned database:
/// tests talk real HTTP to it. One per test class.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public string OwnerConnectionString { get; private set; } = "";
    public DatabaseSettings Settings { get; private set; } = null!;
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    protected virtual Dictionary<string, string?> Config => [];

    public virtual async Task InitializeAsync()
    {
        OwnerConnectionString = await TestCluster.CreateDatabaseAsync();
        Settings = new DatabaseSettings(OwnerConnectionString);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Clientele"] = OwnerConnectionString,
            ["Logging:Json"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["RateLimit:PermitsPerSecond"] = "100000",
            ["RateLimit:Burst"] = "100000",
            ["RateLimit:AnonymousPerMinute"] = "100000",
            // Health follows domain events in production (docs/success.md); most tests set scores by hand and
            // assert them, so here it is computed only when asked. HealthEventTests turns it back on.
            ["Success:HealthRecomputeOnEvents"] = "false",
        };
        foreach (var (k, v) in Config) settings[k] = v;
        App = await ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            foreach (var (k, v) in settings) b.Configuration[k] = v;
        });
        await App.StartAsync();
        BaseAddress = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public virtual async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        // Idle pooled connections outlive the app by five minutes otherwise, holding server slots the next classes need.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Settings.AppConnectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(Settings.OwnerConnectionString));
    }

    public HttpClient Client(string? apiKey = null)
    {
        var c = new HttpClient { BaseAddress = BaseAddress };
        c.DefaultRequestHeaders.UserAgent.ParseAdd("Clientele.Tests/1.0");
        if (apiKey is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return c;
    }

    /// <summary>A browser-like client: keeps cookies and sends this server's Origin, as a same-origin page would.</summary>
    public HttpClient Browser(CookieContainer? cookies = null)
    {
        var c = new HttpClient(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }) { BaseAddress = BaseAddress };
        c.DefaultRequestHeaders.UserAgent.ParseAdd("Clientele.Tests.Browser/1.0");
        c.DefaultRequestHeaders.Add("Origin", BaseAddress.GetLeftPart(UriPartial.Authority));
        return c;
    }

    public sealed record Tenant(HttpClient Http, string ApiKey, Guid OrganizationId, Guid UserId, string Email, string Password);

    /// <summary>Signs up a new organization and returns an authenticated client for it.</summary>
    public async Task<Tenant> SignupAsync(string? name = null)
    {
        var email = $"owner-{Guid.NewGuid():N}@example.test";
        var password = "correct horse battery";
        using var anon = Client();
        var res = await anon.PostAsJsonAsync("/api/v1/signup", new { organization_name = name ?? "Org " + Guid.NewGuid().ToString("N")[..6], name = "Olivia Owner", email, password });
        var body = await res.Content.ReadAsStringAsync();
        if ((int)res.StatusCode != 201) throw new InvalidOperationException($"signup failed: {(int)res.StatusCode} {body}");
        var json = JsonNode.Parse(body)!;
        var key = json["api_key"]!["key"]!.GetValue<string>();
        return new Tenant(Client(key), key, Guid.Parse(json["organization"]!["id"]!.ToString()), Guid.Parse(json["user"]!["id"]!.GetValue<string>()), email, password);
    }

    /// <summary>A key with the given scopes for a tenant, made through the API.</summary>
    public async Task<HttpClient> KeyClientAsync(Tenant t, params string[] scopes)
    {
        var res = await t.Http.PostAsJsonAsync("/api/v1/api_keys", new { name = "test key", scopes });
        res.EnsureSuccessStatusCode();
        var json = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
        return Client(json["key"]!.GetValue<string>());
    }

    public async Task<NpgsqlConnection> OwnerAsync()
    {
        var c = new NpgsqlConnection(OwnerConnectionString);
        await c.OpenAsync();
        return c;
    }

    public async Task<NpgsqlConnection> AppRoleAsync()
    {
        var c = new NpgsqlConnection(Settings.AppConnectionString);
        await c.OpenAsync();
        return c;
    }
}
