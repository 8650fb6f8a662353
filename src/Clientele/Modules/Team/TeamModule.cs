using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Team;

/// <summary>Seed 002's team invitations.</summary>
public sealed class TeamModule : IModule
{
    // The token admits whoever holds it to the organization: never returned, and only admins invite.
    public void ConfigureResources(ResourceOptions r) => r.Table("team_invitations").Secret("token").WritesNeedAdmin()
        .Describe("Invitations to join the organization with a role (admin, member, viewer); the token is write-only.");
}
