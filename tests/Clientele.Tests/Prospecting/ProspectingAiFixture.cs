using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Prospecting;

/// <summary>The fake model with a 30 s timeout: these tests check what the model's answer becomes, not the retry timing, and a loaded machine answers slower than 1 s.</summary>
public sealed class ProspectingAiFixture : AiGatewayFixture
{
    protected override Dictionary<string, string?> Config
    {
        get
        {
            var c = base.Config;
            c["Ai:TimeoutSeconds"] = "30";
            return c;
        }
    }
}
