using System.Net;
using System.Text.Json.Nodes;
using Clientele.Tests.Fakes;
using Shouldly;

namespace Clientele.Tests.Infrastructure;

/// <summary>The host wired to a fake Graph API, with fast outbox polling and short backoffs.</summary>
public class ChannelsFixture : AppFixture
{
    public FakeGraphApi Graph { get; private set; } = null!;

    protected override Dictionary<string, string?> Config => new()
    {
        ["Meta:AppSecret"] = MetaWebhooks.AppSecret,
        ["Meta:VerifyToken"] = MetaWebhooks.VerifyToken,
        ["Meta:GraphBaseUrl"] = Graph.BaseAddress.ToString(),
        ["Outbox:PollMilliseconds"] = "50",
        ["Outbox:BackoffBaseSeconds"] = "0.02",
        ["Credits:TrialGrant"] = "100",
    };

    public override async Task InitializeAsync()
    {
        Graph = await FakeGraphApi.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Graph.DisposeAsync();
    }

    public sealed record Channel(Tenant Tenant, Guid PhoneNumberId, string MetaId, Guid AgentId);

    /// <summary>A tenant with a WhatsApp (or Instagram) number and an agent on it, made through the API.</summary>
    public async Task<Channel> ChannelAsync(string platform = "whatsapp", Tenant? tenant = null)
    {
        var t = tenant ?? await SignupAsync();
        var metaId = "PN" + Guid.NewGuid().ToString("N")[..12];
        var number = await t.Http.PostJsonAsync("/api/v1/phone_numbers", new { platform, meta_phone_number_id = metaId, access_token = "token-" + metaId, display_name = "Sales line" });
        number.Status.ShouldBe(HttpStatusCode.Created, number.Json?.ToJsonString());
        var numberId = Guid.Parse(number.Json!["id"]!.GetValue<string>());
        var agent = await t.Http.PostJsonAsync("/api/v1/agents", new { phone_number_id = numberId, prompt_id = "sales-default", name = "Sofia" });
        agent.Status.ShouldBe(HttpStatusCode.Created, agent.Json?.ToJsonString());
        return new Channel(t, numberId, metaId, Guid.Parse(agent.Json!["id"]!.GetValue<string>()));
    }

    public async Task<JsonArray> MessagesAsync(Tenant t, Guid conversationId) =>
        (await t.Http.GetJsonAsync($"/api/v1/messages?conversation_id={conversationId}&order=sequence_no&limit=200")).Json!["data"]!.AsArray();

    public async Task<JsonArray> ConversationsAsync(Tenant t) =>
        (await t.Http.GetJsonAsync("/api/v1/conversations?limit=200")).Json!["data"]!.AsArray();
}
