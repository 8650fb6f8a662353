using Clientele.Modules.Notifications;
using Clientele.Modules.Team.Invitations;
using Clientele.Modules.Team.Passwords;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Clientele.Platform.Scheduling;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Team;

/// <summary>Seed 002's team invitations (docs/team.md): made, resent and revoked by the server only.</summary>
public sealed class TeamModule : IModule
{
    // The token admits whoever holds it: the server makes it, stores only its hash and never returns it.
    // Writes go through InvitationsApi (POST, resend, revoke); the generic store only reads.
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("team_invitations").Secret("token").ReadOnly()
            .Describe("Invitations to join the organization with a role (admin, member, viewer); created with POST /team_invitations {email, role}, which emails the link.");
        r.Hide("password_reset_tokens"); // emailed secrets: made and used by /password/forgot and /password/reset only
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<PasswordReset>();
        // Seed 002's retention: activity older than Team:ActivityRetentionDays moves to activity_logs_archive, nightly.
        var days = config.GetValue("Team:ActivityRetentionDays", 365);
        services.AddSystemJob("team.activity_archive", config["Team:ActivityArchiveCron"] ?? "0 45 3 * * ?",
            (run, ct) => RetentionJobs.RunAsync(run.Services.GetRequiredService<AppDataSource>(), "SELECT clientele_archive_all_activity_logs(make_interval(days => $1))", days, ct),
            $"Moves activity_logs older than {days} days to activity_logs_archive");
    }

    public void MapEndpoints(RouteGroupBuilder api) => InvitationsApi.Map(api);
}
