namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>The organization's support tickets to the platform, with comments (none staff-internal: the tenant cannot see those).</summary>
    public static async Task SupportAsync(DemoContext d)
    {
        var support = d.User("support");
        foreach (var (subject, description, priority, status, tags, comments) in new[]
                 {
                     ("WhatsApp template rejected", "Our 'order_update' template was rejected by Meta twice. Can you check the category?", "high", "in_progress",
                         new[] { "whatsapp", "templates" }, new[] { ("user", "Template id is order_update_v2."), ("system", "Ticket assigned to the messaging team.") }),
                     ("Export customers to CSV", "Is there a way to export all customers with their health scores?", "low", "waiting_on_customer",
                         new[] { "export" }, new[] { ("user", "We need it for our board deck.") }),
                     ("Invoice PDF shows the old address", "Our billing address changed in March; the PDF still shows the old one.", "medium", "open",
                         new[] { "billing" }, Array.Empty<(string, string)>()),
                 })
        {
            var ticket = await d.CreateAsync("support_tickets", new { user_id = support.Id, subject, description, priority, status, tags });
            foreach (var (authorType, comment) in comments)
                await d.CreateAsync("support_ticket_comments", new
                {
                    ticket_id = ticket, author_type = authorType, author_id = authorType == "user" ? support.Id : d.OwnerId, comment, is_internal = false,
                });
        }
    }
}
