namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>Invitations (pending, accepted, expired), in-app notifications about demo rows, and notification preferences.</summary>
    public static async Task TeamAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("team");
        var admin = d.Csms.First();
        foreach (var (email, role, status, invitedDaysAgo) in new[]
                 {
                     ("ines.ferreira@northwind-demo.dev", "member", "pending", 2.0), ("omar.haddad@northwind-demo.dev", "viewer", "pending", 5.0),
                     ("kim.lee@northwind-demo.dev", "admin", "accepted", 40.0), ("old.contractor@example.test", "member", "expired", 30.0),
                 })
            await d.CreateAsync("team_invitations", new
            {
                invited_by = status == "accepted" ? d.OwnerId : admin.Id, email, role, status,
                // Only the hash of the emailed secret is stored (InvitationTokens); these demo links were never sent.
                token = Clientele.Modules.Team.Invitations.InvitationTokens.Hash($"inv_{f.Random.AlphaNumeric(32)}"),
                expires_at = d.DaysAgo(invitedDaysAgo - 7), accepted_at = status == "accepted" ? d.DaysAgo(invitedDaysAgo - 1) : (DateTime?)null,
            });

        var atRisk = d.Customers.FirstOrDefault(c => c.Stage == "at_risk") ?? d.Customers[0];
        var notifications = new (DemoUser User, string Type, string Category, string Title, string Message, string Link, bool Read)[]
        {
            (d.Users.First(u => u.Id == atRisk.CsmId), "warning", "customer_at_risk", $"{atRisk.Company} is at risk",
                $"Health score dropped to {atRisk.Health}.", $"/app/customers/{atRisk.Id}", false),
            (admin, "error", "invoice_overdue", "An invoice is overdue", "A past-due account has an open invoice past its due date.", "/app/billing", false),
            (d.User("sales"), "success", "deal_won", "Deal won", "A lead converted and signed the annual contract.", "/app/pipeline", true),
            (d.User("sales"), "info", "meeting_booked", "Demo booked from WhatsApp", "Ava booked a demo for the day after tomorrow.", "/app/inbox", false),
            (d.User("support"), "warning", "conversation_escalated", "Conversation escalated", "A webhook outage conversation needs an engineer.", "/app/inbox", true),
            (d.Users[0], "info", "team", "Invitation accepted", "Kim Lee joined the team as an admin.", "/app/team", true),
        };
        foreach (var n in notifications)
            await d.CreateAsync("notifications", new
            {
                user_id = n.User.Id, type = n.Type, category = n.Category, title = n.Title, message = n.Message, link = n.Link,
                data = new { source = "demo" }, is_read = n.Read, read_at = n.Read ? d.DaysAgo(0.5) : (DateTime?)null,
            });

        foreach (var u in d.Users.Where(u => u.Role != "viewer").Take(4))
        {
            await d.CreateAsync("notification_preferences", new { user_id = u.Id, notification_type = "conversation_escalated", in_app_enabled = true, email_enabled = true, email_frequency = "immediate" });
            await d.CreateAsync("notification_preferences", new { user_id = u.Id, notification_type = "billing", in_app_enabled = true, email_enabled = true, email_frequency = "weekly" });
        }
    }
}
