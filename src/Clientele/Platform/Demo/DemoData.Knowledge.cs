namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>Knowledge base articles the assistant retrieves.</summary>
    public static async Task KnowledgeAsync(DemoContext d)
    {
        foreach (var (title, category, tags, content, isPublic, views) in new[]
                 {
                     ("Connect a WhatsApp Business number", "channels", new[] { "whatsapp", "setup" }, "Settings → Channels → Add number, then log in with your Meta Business account and pick the number.", true, 342),
                     ("Why was my card charged twice?", "billing", new[] { "billing", "payments" }, "A second charge is usually a pre-authorization; it is released within 3 business days.", true, 128),
                     ("Webhook retries and timeouts", "developers", new[] { "webhooks", "api" }, "Webhooks are retried 5 times with exponential backoff; respond within 10 seconds with a 2xx.", true, 211),
                     ("Internal: handling enterprise escalations", "internal", new[] { "escalation" }, "Page the on-call engineer, inform the CSM, and update the customer every 30 minutes.", false, 37),
                 })
            await d.CreateAsync("knowledge_base", new
            {
                title, category, tags, content, is_public = isPublic, view_count = views, helpful_count = views / 4, metadata = new { author = "Lea Martin" },
            });
    }
}
