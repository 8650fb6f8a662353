using Clientele.Modules.Notifications.Email;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;
using Clientele.Platform.Scheduling;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Notifications;

/// <summary>
/// Seed 002's notifications and preferences (docs/notifications.md): the dispatcher, the user's own
/// API, the bell's stream, the email job (outbox notifications.email) and the digest and retention
/// system jobs.
/// </summary>
public sealed class NotificationsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("notifications")
            .Describe("In-app notifications to users, with type, category, link and read/archived state (read_at follows is_read). Your own: /notifications/unread_count, /notifications/{id}/read|unread|archive, /notifications/read_all.");
        r.Table("notification_preferences")
            .Describe("Users' in-app and email preferences per notification type, with the email frequency (immediate, hourly, daily, weekly, never). Your own: GET /notifications/preferences, PUT /notifications/preferences/{type}.");
        r.Hide("notification_emails"); // the dispatcher's queue of owed emails: written by clientele_notify, sent by the jobs
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<NotificationMail>();
        services.AddSingleton<NotificationDigests>();
        services.AddSystemJob("notifications.digest", config["Notifications:DigestCron"] ?? "0 0/15 * * * ?",
            (run, ct) => run.Services.GetRequiredService<NotificationDigests>().RunAsync(DateTime.UtcNow, ct),
            "Sends the hourly, daily and weekly notification digests that are due (08:00 in each user's time zone), one email per user");
        var retentionDays = config.GetValue("Notifications:RetentionDays", 90);
        services.AddSystemJob("notifications.retention", config["Notifications:RetentionCron"] ?? "0 30 3 * * ?",
            (run, ct) => RetentionJobs.RunAsync(run.Services.GetRequiredService<AppDataSource>(), "SELECT clientele_purge_notifications(make_interval(days => $1))", retentionDays, ct),
            $"Deletes read notifications (and finished notification emails) older than {retentionDays} days");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        NotificationsApi.Map(api);
        OwnRowsApi.Map(api, "notifications");
        OwnRowsApi.Map(api, "notification_preferences");
    }

    public void MapRoot(IEndpointRouteBuilder app) => NotificationStream.Map(app);
}

/// <summary>The retention system jobs: one definer function over every organization, its count returned.</summary>
public static class RetentionJobs
{
    public static async Task<int> RunAsync(AppDataSource app, string sql, int days, CancellationToken ct)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue(days);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
