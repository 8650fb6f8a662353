using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Shouldly;

namespace Clientele.Tests.Slack;

/// <summary>The host wired to a fake Slack (consent screen and Web API) with a fast outbox.</summary>
public sealed class SlackFixture : AppFixture
{
    public FakeSlack Slack { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Slack:ClientId"] = FakeSlack.ClientId,
        ["Slack:ClientSecret"] = FakeSlack.ClientSecret,
        ["Slack:SigningSecret"] = FakeSlack.SigningSecret,
        ["Slack:ApiBase"] = new Uri(Slack.BaseAddress, "api/").ToString(),
        ["Slack:AuthorizeUrl"] = new Uri(Slack.BaseAddress, "oauth/v2/authorize").ToString(),
        ["Outbox:PollMilliseconds"] = "50",
        ["Outbox:BackoffBaseSeconds"] = "0.02",
    };

    public override async Task InitializeAsync()
    {
        Slack = await FakeSlack.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Slack.DisposeAsync();
    }

    public async Task<Uri> AuthorizationUrlAsync(HttpClient http)
    {
        var r = await http.GetJsonAsync("/api/v1/integrations/slack/authorize");
        r.Status.ShouldBe(HttpStatusCode.OK, r.Json?.ToJsonString());
        return new Uri(r.Json!["authorization_url"]!.GetValue<string>());
    }

    /// <summary>The browser at Slack's consent screen: the redirect Slack sends back (to our callback).</summary>
    public static async Task<Uri> ConsentAsync(Uri authorizationUrl)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var res = await browser.GetAsync(authorizationUrl);
        res.StatusCode.ShouldBe(HttpStatusCode.Redirect, await res.Content.ReadAsStringAsync());
        return res.Headers.Location!;
    }

    /// <summary>The browser following Slack's redirect to the callback (not following ours).</summary>
    public static async Task<(HttpStatusCode Status, string Body, Uri? Location)> CallbackAsync(Uri callback, bool json)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var req = new HttpRequestMessage(HttpMethod.Get, callback);
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(json ? "application/json" : "text/html"));
        using var res = await browser.SendAsync(req);
        return (res.StatusCode, await res.Content.ReadAsStringAsync(), res.Headers.Location);
    }

    /// <summary>The whole flow for `http`'s user installing into a new workspace; returns the install.</summary>
    public async Task<FakeSlack.Install> ConnectAsync(HttpClient http, string slackUserEmail, FakeSlack.Install? into = null)
    {
        var install = into ?? new FakeSlack.Install("T" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), "Workspace " + Guid.NewGuid().ToString("N")[..4],
            "U" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant());
        Slack.NextInstall = install;
        Slack.Users[install.UserId] = slackUserEmail;
        var (status, body, _) = await CallbackAsync(await ConsentAsync(await AuthorizationUrlAsync(http)), json: true);
        status.ShouldBe(HttpStatusCode.OK, body);
        JsonNode.Parse(body)!["team_id"]!.GetValue<string>().ShouldBe(install.TeamId);
        return install;
    }
}
