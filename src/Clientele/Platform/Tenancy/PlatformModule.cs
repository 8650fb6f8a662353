using Clientele.Platform.Auth;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Tenancy;

/// <summary>Identity and audit tables as resources, and the auth endpoints.</summary>
public sealed class PlatformModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Hide("api_keys"); // managed by /api/v1/api_keys (keys are shown once, hashes never)
        r.Hide("user_sessions"); // browser sessions: created by sign-in, ended by logout and account changes (SessionService)
        r.Table("users").Secret("password_hash").ReadOnlyColumn("password_hash", "last_login_at").WritesNeedAdmin()
            .Describe("People of the organization (seed 002 users + seed 000 employees). Roles: owner, admin, member, viewer. " +
                      "POST and PATCH take a write-only `password` (8 to 200 characters); only owners make or change owners; the last active owner stays.");
        r.Table("audit_logs").ReadOnly().Describe("Immutable record of every create, update, delete, login and logout.");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        AuthApi.Map(api);
        UsersApi.Map(api);
    }
}
