using Clientele.Modules.Support;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>The organization's support tickets to Clientele, opened and commented on through the console's own code (SupportDesk).</summary>
    public static async Task SupportAsync(DemoContext d)
    {
        var support = d.User("support");
        foreach (var (subject, description, priority, comments) in new[]
                 {
                     ("WhatsApp template rejected", "Our 'order_update' template was rejected by Meta twice. Can you check the category?", "high",
                         new[] { "Template id is order_update_v2." }),
                     ("Export customers to CSV", "Is there a way to export all customers with their health scores?", "low",
                         new[] { "We need it for our board deck." }),
                     ("Invoice PDF shows the old address", "Our billing address changed in March; the PDF still shows the old one.", "medium",
                         Array.Empty<string>()),
                 })
        {
            var (ticket, errors) = await SupportDesk.OpenAsync(d.Session, support.Id, subject, description, priority, d.Ct);
            if (ticket is not { } id) throw new InvalidOperationException("demo ticket refused: " + string.Join(", ", errors.Keys));
            foreach (var comment in comments)
                (await SupportDesk.CommentAsync(d.Session, support.Id, id, comment, d.Ct)).Outcome.ThrowIfRefused();
        }
    }
}
