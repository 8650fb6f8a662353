using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Shouldly;

namespace Clientele.Tests.Infrastructure;

/// <summary>The host wired to a fake Google (OAuth and Calendar) with short retry delays; working hours in New York.</summary>
public class GoogleFixture : AppFixture
{
    public const string TimeZone = "America/New_York";
    public FakeGoogle Google { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Google:ClientId"] = FakeGoogle.ClientId,
        ["Google:ClientSecret"] = FakeGoogle.ClientSecret,
        ["Google:OAuthBaseUrl"] = Google.BaseAddress.ToString(),
        ["Google:TokenUrl"] = new Uri(Google.BaseAddress, "token").ToString(),
        ["Google:RevokeUrl"] = new Uri(Google.BaseAddress, "revoke").ToString(),
        ["Google:CalendarBaseUrl"] = Google.BaseAddress.ToString(),
        ["Google:RetryBaseDelayMilliseconds"] = "5",
        ["Google:MaxRetries"] = "3",
        ["Calendar:Timezone"] = TimeZone,
        ["Calendar:MinNoticeMinutes"] = "60",
    };

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

    /// <summary>The authorization URL the API hands out for `http`'s credential.</summary>
    public async Task<Uri> AuthorizationUrlAsync(HttpClient http, string account = "organization")
    {
        var r = await http.GetJsonAsync($"/api/v1/integrations/google/authorize?for={account}");
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        return new Uri(r.Json!["authorization_url"]!.GetValue<string>());
    }

    /// <summary>The browser at Google's consent screen: the redirect Google sends back (to our callback).</summary>
    public async Task<Uri> ConsentAsync(Uri authorizationUrl)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var res = await browser.GetAsync(authorizationUrl);
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return res.Headers.Location!;
    }

    /// <summary>The browser following Google's redirect to the callback.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? ContentType)> CallbackAsync(Uri callback, bool json = false)
    {
        using var browser = new HttpClient();
        using var req = new HttpRequestMessage(HttpMethod.Get, callback);
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(json ? "application/json" : "text/html"));
        using var res = await browser.SendAsync(req);
        return (res.StatusCode, await res.Content.ReadAsStringAsync(), res.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The whole flow: authorize → Google consent as `googleAccount` → callback; asserts success.</summary>
    public async Task ConnectAsync(HttpClient http, string googleAccount, string account = "organization")
    {
        Google.NextAccount = googleAccount;
        Google.NextConsentDenied = false;
        var callback = await ConsentAsync(await AuthorizationUrlAsync(http, account));
        var (status, body, _) = await CallbackAsync(callback, json: true);
        status.ShouldBe(HttpStatusCode.OK, body);
        JsonNode.Parse(body)!["email"]!.GetValue<string>().ShouldBe(googleAccount);
    }

    public static string Account() => $"cal-{Guid.NewGuid():N}"[..16] + "@example.test";
}
