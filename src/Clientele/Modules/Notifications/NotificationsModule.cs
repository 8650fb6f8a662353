using Clientele.Platform.Hosting;
using Clientele.Platform.Resources;

namespace Clientele.Modules.Notifications;

/// <summary>Seed 002's in-app notifications and per-user preferences.</summary>
public sealed class NotificationsModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("notifications")
            .Describe("In-app notifications to users, with type, category, link and read/archived state.");
        r.Table("notification_preferences")
            .Describe("Users' in-app and email preferences per notification type, with the email frequency.");
    }
}
