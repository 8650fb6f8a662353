using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Shouldly;

namespace Clientele.Tests.Infrastructure;

/// <summary>The channel host (built-in AI, no key) with a fake Google Calendar whose working hours are in New York.</summary>
public class LeadsFixture : ChannelsFixture
{
    public FakeGoogle Google { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Google:ClientId"] = FakeGoogle.ClientId;
            c["Google:ClientSecret"] = FakeGoogle.ClientSecret;
            c["Google:OAuthBaseUrl"] = Google.BaseAddress.ToString();
            c["Google:TokenUrl"] = new Uri(Google.BaseAddress, "token").ToString();
            c["Google:RevokeUrl"] = new Uri(Google.BaseAddress, "revoke").ToString();
            c["Google:CalendarBaseUrl"] = Google.BaseAddress.ToString();
            c["Google:RetryBaseDelayMilliseconds"] = "5";
            c["Calendar:Timezone"] = GoogleFixture.TimeZone;
            foreach (var (k, v) in Extra) c[k] = v;
            return c;
        }
    }

    protected virtual Dictionary<string, string?> Extra => [];

    public override async Task InitializeAsync()
    {
        Google = await FakeGoogle.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Google.DisposeAsync();
    }

    /// <summary>Connects the organization's Google account (authorize → consent → callback), as GoogleFixture does.</summary>
    public async Task ConnectGoogleAsync(HttpClient http, string account)
    {
        Google.NextAccount = account;
        var authorize = await http.GetJsonAsync("/api/v1/integrations/google/authorize?for=organization");
        authorize.Status.ShouldBe(HttpStatusCode.OK, authorize.Json?.ToJsonString());
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await browser.GetAsync(authorize.Json!["authorization_url"]!.GetValue<string>());
        consent.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using var callback = new HttpRequestMessage(HttpMethod.Get, consent.Headers.Location);
        callback.Headers.Accept.ParseAdd("application/json");
        using var done = await browser.SendAsync(callback);
        var body = await done.Content.ReadAsStringAsync();
        done.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        JsonNode.Parse(body)!["email"]!.GetValue<string>().ShouldBe(account);
    }
}

/// <summary>The same host extracting after 1.5 seconds without a new customer message.</summary>
public sealed class IdleLeadsFixture : LeadsFixture
{
    protected override Dictionary<string, string?> Extra => new() { ["Leads:ExtractAfterIdleMinutes"] = "0.025" };
}

/// <summary>The same host with Ai__Provider=openai against a fake Chat Completions server (quick retries).</summary>
public sealed class OpenAiLeadsFixture : LeadsFixture
{
    public FakeOpenAi OpenAi { get; private set; } = null!;

    protected override Dictionary<string, string?> Extra => OpenAi.HostSettings(timeoutSeconds: 5, maxRetries: 1);

    public override async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
