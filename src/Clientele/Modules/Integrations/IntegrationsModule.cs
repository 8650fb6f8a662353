using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Integrations;

/// <summary>Connections to Google, CRMs and Slack; their tokens are encrypted at rest and write-only.</summary>
public sealed class IntegrationsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("google_tokens").Secret("access_token", "refresh_token")
            .Describe("Google OAuth tokens of the organization (user_id null) or of a user; the tokens are write-only.");
        r.Table("integrations").Secret("access_token", "refresh_token")
            .Describe("Users' CRM connections (Salesforce, HubSpot); the tokens are write-only.");
        r.Table("slack_connections").Secret("bot_token", "user_token")
            .Describe("Users' Slack workspace connections; the tokens are write-only.");
    }
}
