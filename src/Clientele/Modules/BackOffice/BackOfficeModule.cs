using Clientele.Modules.BackOffice.Suspension;
using Clientele.Platform.Hosting;
using Clientele.Platform.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.BackOffice;

/// <summary>
/// The operator's back office at /admin (issue 14 item 1, docs/admin.md): a staff realm with its
/// own cookie scheme, password + TOTP sign-in, roles, organizations with suspension, and the
/// append-only staff audit trail. The tables are Modules/Admin's (seed 002).
/// </summary>
public sealed class BackOfficeModule : IModule
{
    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddStaffAuthentication();
        services.AddSingleton<StaffTwoFactor>();
        services.AddSingleton<StaffSignIn>();
        services.AddSingleton<StaffData>();
        services.AddSingleton<SuspensionState>();
        services.AddSingleton<IJobGate, SuspendedOrganizationGate>();
        services.AddSingleton<OrganizationSuspension>();
        services.AddSingleton<OrganizationDirectory>();
        services.AddSingleton<StaffManagement>();
        services.AddSingleton<Tickets.StaffTickets>();
        services.AddSingleton<ViewAs.StaffViewAs>();
    }
}
