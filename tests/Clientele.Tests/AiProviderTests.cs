using System.Net;
using System.Net.Sockets;
using Clientele.Modules.Agents.Ai;
using Clientele.Modules.Agents.Engine;
using Clientele.Modules.Agents.Gateway;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Clientele.Tests.Fakes;
using Clientele.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Clientele.Tests;

/// <summary>Ai__* configuration, the price table, and the OpenAI-compatible client on its own against the fake server.</summary>
public sealed class AiProviderTests : IAsyncLifetime
{
    private FakeOpenAi _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAi.StartAsync();
    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static AiOptions Options(params (string Key, string? Value)[] settings) =>
        AiOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("Ai:" + s.Key, s.Value))).Build());

    private static List<ChatMessage> Hello => [new(ChatRole.User, "hello")];

    [Fact]
    public void Defaults_are_the_builtin_engine_and_gpt_4o_mini_at_openai()
    {
        var o = Options();
        o.Provider.ShouldBe("builtin");
        o.Model.ShouldBe("gpt-4o-mini");
        o.BaseUrl.ShouldBe(new Uri("https://api.openai.com/v1"));
        o.MaxRetries.ShouldBe(3);
        o.OpenAiConfigured.ShouldBeFalse();
        o.Prices.Find("gpt-4o-mini").ShouldBe(new ModelPrice(0.15m, 0.60m));
    }

    [Theory]
    [InlineData("Provider=claude", "Ai__Provider")]
    [InlineData("Provider=openai;BaseUrl=http://localhost:11434/v1", "Ai__Model")]
    [InlineData("Provider=openai;Model=", "Ai__Model")]
    [InlineData("Provider=openai;Model=gpt-4o", "Ai__ApiKey")]
    [InlineData("BaseUrl=not a url", "Ai__BaseUrl")]
    [InlineData("TimeoutSeconds=0", "Ai__TimeoutSeconds")]
    [InlineData("MaxRetries=2.5", "Ai__MaxRetries")]
    [InlineData("Prices:my-model:Input=cheap", "Ai__Prices__my-model__Input")]
    [InlineData("Prices:my-model:Input=1", "Ai__Prices__my-model__Output")]
    public void A_bad_configuration_fails_at_start_naming_the_setting(string settings, string named)
    {
        var pairs = settings.Split(';').Select(s => s.Split('=', 2)).Select(p => (p[0], (string?)p[1])).ToArray();
        var e = Should.Throw<InvalidOperationException>(() => Options(pairs));
        e.Message.ShouldContain(named);
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_bad_ai_configuration()
    {
        var database = await TestCluster.CreateDatabaseAsync();
        var e = await Should.ThrowAsync<InvalidOperationException>(() => ClienteleHost.BuildAsync(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["ConnectionStrings:Clientele"] = database;
            b.Configuration["Ai:Provider"] = "openai";
            b.Configuration["Ai:BaseUrl"] = "http://localhost:11434/v1";
        }));
        e.Message.ShouldStartWith("invalid AI configuration");
        e.Message.ShouldContain("Ai__Model");
    }

    [Fact]
    public void Ollama_needs_no_key_and_prices_are_configurable()
    {
        var o = Options(("Provider", "openai"), ("BaseUrl", "http://localhost:11434/v1/"), ("Model", "llama3.1:8b"),
            ("Prices:llama3.1_8b:Input", "0"), ("Prices:llama3.1_8b:Output", "0.1"), ("Prices:gpt-4o:Output", "12"));
        o.OpenAiConfigured.ShouldBeTrue();
        o.BaseUrl.ToString().ShouldBe("http://localhost:11434/v1");
        o.Prices.Find("llama3.1:8b").ShouldBe(new ModelPrice(0m, 0.1m));
        o.Prices.Find("gpt-4o").ShouldBe(new ModelPrice(2.50m, 12m)); // the default input price stays
        o.Prices.Cost("gpt-4o-2024-08-06", 1_000_000, 1_000).ShouldBe(2.512m);
        o.Prices.Cost("some-unknown-model", 1_000_000, 1_000_000).ShouldBe(0m);
    }

    [Fact]
    public async Task Azure_deployment_urls_get_the_api_version_and_the_api_key_header()
    {
        var deployment = new Uri(_fake.BaseUrl, "/openai/deployments/sales-gpt");
        using var client = new OpenAiCompatibleChatClient(Options(("Provider", "openai"), ("BaseUrl", deployment.ToString()), ("Model", "sales-gpt"),
            ("ApiKey", FakeOpenAi.ApiKey), ("ApiVersion", "2024-10-21")));
        var response = await client.GetResponseAsync(Hello);
        response.Text.ShouldBe("Hello from the fake model.");
        var request = _fake.Requests.ShouldHaveSingleItem();
        request.Path.ShouldBe("/openai/deployments/sales-gpt/chat/completions");
        request.Query.ShouldContain("api-version=2024-10-21");
        request.AzureApiKey.ShouldBe(FakeOpenAi.ApiKey);
    }

    [Fact]
    public async Task A_wrong_key_is_a_permanent_error()
    {
        using var client = new OpenAiCompatibleChatClient(Options(("Provider", "openai"), ("BaseUrl", _fake.BaseUrl.ToString()), ("Model", "gpt-4o-mini"),
            ("ApiKey", "sk-wrong"), ("RetryBaseDelaySeconds", "0.01")));
        var e = await Should.ThrowAsync<AiProviderException>(() => client.GetResponseAsync(Hello));
        (e.StatusCode, e.Transient, e.Attempts).ShouldBe((401, false, 1));
        e.Message.ShouldContain("Incorrect API key provided");
        _fake.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_unreachable_server_is_retried_then_reported()
    {
        // A port nothing listens on: connection refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new OpenAiCompatibleChatClient(Options(("Provider", "openai"), ("BaseUrl", $"http://127.0.0.1:{port}/v1"), ("Model", "m"),
            ("MaxRetries", "2"), ("RetryBaseDelaySeconds", "0.01")));
        var e = await Should.ThrowAsync<AiProviderException>(() => client.GetResponseAsync(Hello));
        (e.StatusCode, e.Transient, e.Attempts).ShouldBe(((int?)null, true, 3));
        e.Message.ShouldContain("could not be reached");
    }

    [Fact]
    public async Task Streaming_replays_one_call_as_updates_and_the_model_can_be_chosen_per_call()
    {
        using var client = new OpenAiCompatibleChatClient(Options(("Provider", "openai"), ("BaseUrl", _fake.BaseUrl.ToString()), ("ApiKey", FakeOpenAi.ApiKey), ("Model", "gpt-4o-mini")));
        var updates = await client.GetStreamingResponseAsync(Hello, new ChatOptions { ModelId = "gpt-4.1-nano" }).ToListAsync();
        updates.ToChatResponse().Text.ShouldBe("Hello from the fake model.");
        _fake.Requests.ShouldHaveSingleItem().Model.ShouldBe("gpt-4.1-nano");
        client.GetService<ChatClientMetadata>()!.DefaultModelId.ShouldBe("gpt-4o-mini");
    }
}

/// <summary>With nothing configured the gateway uses the built-in engine: no key, no cost, still logged.</summary>
public sealed class BuiltInGatewayTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task The_default_builtin_provider_logs_its_calls_at_no_cost()
    {
        var t = await app.SignupAsync();
        var gateway = app.App.Services.GetRequiredService<IAiGateway>();
        gateway.Provider.ShouldBe("builtin");
        await using (var s = app.App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner }))
        {
            var result = await gateway.CompleteAsync(s, new AiCall("agent.reply", "writer", [new ChatMessage(ChatRole.User, "Hi! How much does the premium plan cost?")]), CancellationToken.None);
            result.Text.ShouldNotBeNullOrWhiteSpace();
            result.Cost.ShouldBe(0m);
            await s.CommitAsync();
        }
        var rows = (await t.Http.GetJsonAsync("/api/v1/llm_usage_logs")).Json!["data"]!.AsArray();
        var row = rows.ShouldHaveSingleItem()!;
        row["workflow_name"]!.GetValue<string>().ShouldBe("agent.reply");
        row["cost"]!.GetValue<decimal>().ShouldBe(0m);
        row["total_tokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
        row["model"]!.GetValue<string>().ShouldBe(BuiltInChatClient.Model);
    }
}
