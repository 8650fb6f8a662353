using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Clientele.Modules.Automation.Webhooks;
using Clientele.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>A tenant's webhook receiver on loopback: records what it gets, answers the codes it is told to.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public ConcurrentQueue<(string Path, string Signature, string Body)> Received { get; } = new();
    public ConcurrentDictionary<string, ConcurrentQueue<int>> Answers { get; } = new();
    private WebApplication _app = null!;
    public string BaseUrl { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var r = new WebhookReceiver();
        var b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        r._app = b.Build();
        r._app.MapPost("/{name}", async (string name, HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            r.Received.Enqueue(("/" + name, ctx.Request.Headers["Clientele-Signature"].ToString(), body));
            return Results.StatusCode(r.Answers.TryGetValue(name, out var q) && q.TryDequeue(out var code) ? code : r.Answers.ContainsKey(name + ":always") ? 500 : 200);
        });
        await r._app.StartAsync();
        r.BaseUrl = r._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return r;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed class WebhooksFixture : AppFixture
{
    public WebhookReceiver Receiver { get; private set; } = null!;
    protected override Dictionary<string, string?> Config => new() { ["Webhooks:AllowPrivateNetworks"] = "true", ["Webhooks:BackoffBaseSeconds"] = "0.2" };

    public override async Task InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>Issue 15 item 6: signed outbound webhooks with retries, a delivery log, replay and auto-disable.</summary>
public sealed class WebhooksTests(WebhooksFixture app) : IClassFixture<WebhooksFixture>
{
    /// <summary>The recipe of docs/automation.md, written out as a receiver would.</summary>
    private static bool Verify(string secret, string header, string body)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var t = long.Parse(parts["t"]);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t) > 300) return false;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        return expected == parts["v1"];
    }

    private async Task<(string Id, string Secret, string Path)> EndpointAsync(AppFixture.Tenant t, params string[] events)
    {
        var path = "hook" + Guid.NewGuid().ToString("N")[..8];
        var r = await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = $"{app.Receiver.BaseUrl}/{path}", events, description = "test" });
        r.Status.ShouldBe(HttpStatusCode.Created, r.Json?.ToJsonString());
        return (r.Json!["id"]!.GetValue<string>(), r.Json["secret"]!.GetValue<string>(), "/" + path);
    }

    [Fact]
    public async Task A_subscribed_event_arrives_signed_verifiably_and_the_secret_is_shown_only_once()
    {
        var t = await app.SignupAsync();
        var (id, secret, path) = await EndpointAsync(t, "customer.*");
        secret.ShouldStartWith("whsec_");
        var read = await t.Http.GetJsonAsync($"/api/v1/webhook_endpoints/{id}");
        read.Json!.AsObject().ContainsKey("secret").ShouldBeFalse();

        var customer = await t.Http.CreateCustomerAsync(new { name = "Hooked" });
        var got = await Eventually.GetAsync(() => Task.FromResult(app.Receiver.Received.Where(x => x.Path == path).ToList()), l => l.Count >= 1, TimeSpan.FromSeconds(30), "the delivery");
        got.Select(g => JsonNode.Parse(g.Body)!["type"]!.GetValue<string>()).ShouldBe(["customer.created"]);
        var (_, signature, body) = got[0];
        Verify(secret, signature, body).ShouldBeTrue(signature);
        Verify("whsec_wrong", signature, body).ShouldBeFalse();
        Verify(secret, signature, body.Replace("Hooked", "Hacked")).ShouldBeFalse();
        JsonNode.Parse(body)!["data"]!["id"]!.GetValue<string>().ShouldBe(customer.ToString());

        var log = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/webhook_deliveries?endpoint_id={id}"),
            r => r.Json!["data"]!.AsArray().FirstOrDefault()?["status"]?.GetValue<string>() == "succeeded", TimeSpan.FromSeconds(10), "the log");
        log.Json!["data"]!.AsArray().Single()!["last_status_code"]!.GetValue<int>().ShouldBe(200);
    }

    [Fact]
    public async Task A_500_is_retried_with_backoff_until_it_succeeds_and_a_delivery_can_be_replayed()
    {
        var t = await app.SignupAsync();
        var (id, secret, path) = await EndpointAsync(t, "customer.created");
        app.Receiver.Answers[path.TrimStart('/')] = new ConcurrentQueue<int>([500, 503]);
        await t.Http.CreateCustomerAsync();
        var delivered = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/webhook_deliveries?endpoint_id={id}"),
            r => r.Json!["data"]!.AsArray().FirstOrDefault()?["status"]?.GetValue<string>() == "succeeded", TimeSpan.FromSeconds(30), "success after retries");
        var d = delivered.Json!["data"]!.AsArray().Single()!;
        d["attempts"]!.GetValue<int>().ShouldBe(3);
        d["last_status_code"]!.GetValue<int>().ShouldBe(200);
        app.Receiver.Received.Count(x => x.Path == path).ShouldBe(3);

        var replay = await t.Http.PostJsonAsync($"/api/v1/webhook_deliveries/{d["id"]}/replay", new { });
        replay.Status.ShouldBe(HttpStatusCode.Accepted, replay.Json?.ToJsonString());
        replay.Json!["replay_of"]!.GetValue<string>().ShouldBe(d["id"]!.GetValue<string>());
        await Eventually.GetAsync(() => Task.FromResult(app.Receiver.Received.Count(x => x.Path == path)), n => n == 4, TimeSpan.FromSeconds(30), "the replay");
        var bodies = app.Receiver.Received.Where(x => x.Path == path).Select(x => JsonNode.Parse(x.Body)!["id"]!.GetValue<string>()).Distinct().ToList();
        bodies.Count.ShouldBe(1); // the same event each time
        Verify(secret, app.Receiver.Received.Last(x => x.Path == path).Signature, app.Receiver.Received.Last(x => x.Path == path).Body).ShouldBeTrue();
    }

    [Fact]
    public async Task An_endpoint_failing_for_three_days_is_disabled_and_the_admins_are_told()
    {
        var t = await app.SignupAsync();
        var (id, _, path) = await EndpointAsync(t, "customer.created");
        app.Receiver.Answers[path.TrimStart('/') + ":always"] = new ConcurrentQueue<int>();
        await t.Http.CreateCustomerAsync();
        await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/webhook_endpoints/{id}"), r => r.Json!["failing_since"] is not null, TimeSpan.FromSeconds(30), "a failure");
        await using (var conn = await app.OwnerAsync())
        {
            await using var cmd = new NpgsqlCommand("UPDATE webhook_endpoints SET failing_since = now() - interval '73 hours' WHERE id = $1", conn);
            cmd.Parameters.AddWithValue(Guid.Parse(id));
            await cmd.ExecuteNonQueryAsync();
        }
        var disabled = await Eventually.GetAsync(() => t.Http.GetJsonAsync($"/api/v1/webhook_endpoints/{id}"), r => r.Json!["enabled"]!.GetValue<bool>() == false, TimeSpan.FromSeconds(30), "the endpoint to be disabled");
        disabled.Json!["disabled_reason"]!.GetValue<string>().ShouldContain("failed");
        (await t.Http.GetJsonAsync("/api/v1/notifications?category=webhook_disabled")).Json!["data"]!.AsArray().Count.ShouldBeGreaterThanOrEqualTo(1);
        var deliveries = (await t.Http.GetJsonAsync($"/api/v1/webhook_deliveries?endpoint_id={id}")).Json!["data"]!.AsArray();
        deliveries.ShouldAllBe(x => x!["status"]!.GetValue<string>() == "failed");
        deliveries.First()!["last_status_code"]!.GetValue<int>().ShouldBe(500);
    }

    [Fact]
    public async Task Urls_and_events_are_validated_and_only_admins_manage_endpoints()
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = "ftp://example.com/x", events = new[] { "invoice.paid" } })).ShouldBeProblem(422, "url");
        (await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = "https://example.com/x", events = Array.Empty<string>() })).ShouldBeProblem(422, "events");
        (await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = "https://example.com/x", events = new[] { "Invoice Paid" } })).ShouldBeProblem(422, "events");
        (await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = "https://example.com/x", events = new[] { "invoice.paid" }, secret = "mine" })).ShouldBeProblem(422, "secret");
        var ok = await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url = "https://example.com/hooks", events = new[] { "invoice.paid", "payment.failed" } });
        ok.Status.ShouldBe(HttpStatusCode.Created);
    }
}

/// <summary>SSRF protection with the default configuration (private networks not allowed).</summary>
public sealed class WebhookSsrfTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://[::1]/hook")]
    public async Task Loopback_link_local_and_private_addresses_are_refused(string url)
    {
        var t = await app.SignupAsync();
        (await t.Http.PostJsonAsync("/api/v1/webhook_endpoints", new { url, events = new[] { "customer.created" } })).ShouldBeProblem(422, "url");
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_when_connecting()
    {
        using var client = new HttpClient(SsrfGuard.Handler(allowPrivate: false));
        var e = await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync("http://localhost:9/"));
        e.ToString().ShouldContain("resolves only to private");
    }
}
