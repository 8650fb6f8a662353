using Clientele.Modules.Agents.Ai;
using Clientele.Platform.Database;
using Clientele.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Tests.Infrastructure;

/// <summary>The host with Ai__Provider=openai against a fake Chat Completions server: 1 s timeout, 3 quick retries.</summary>
public class AiGatewayFixture : AppFixture
{
    public FakeOpenAi OpenAi { get; private set; } = null!;

    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = OpenAi.HostSettings(timeoutSeconds: 1, maxRetries: 3);
            c["Ai:Prices:house-model:Input"] = "2";
            c["Ai:Prices:house-model:Output"] = "8";
            return c;
        }
    }

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

    public IAiGateway Gateway => App.Services.GetRequiredService<IAiGateway>();

    /// <summary>One gateway call in a tenant transaction, committed like a caller would (rolled back when it throws).</summary>
    public async Task<AiResult> CompleteAsync(Tenant t, AiCall call)
    {
        await using var s = App.Services.GetRequiredService<TenantSessions>().Open(new TenantContext { OrganizationId = t.OrganizationId, Role = Roles.Owner });
        var result = await Gateway.CompleteAsync(s, call, CancellationToken.None);
        await s.CommitAsync();
        return result;
    }
}
