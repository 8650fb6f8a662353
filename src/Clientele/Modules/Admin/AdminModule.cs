using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Admin;

/// <summary>
/// Seed 002's platform staff and their audit trail. Not tenant tables, so not generic
/// resources; the options below record the rules for any staff-facing API.
/// </summary>
public sealed class AdminModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("admin_users").Secret("password_hash", "totp_secret").ReadOnlyColumn("last_login_at")
            .Describe("Platform staff (super_admin, admin, support, billing, read_only), a realm separate from tenant users.");
        r.Table("admin_audit_logs").ReadOnly()
            .Describe("Append-only trail of platform staff actions.");
    }
}
