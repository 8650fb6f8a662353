namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Three channel numbers (WhatsApp, Instagram, webchat), one AI agent on each, a relink of the
    /// WhatsApp number from a retired agent, and the organization's prepaid message credits.
    /// </summary>
    public static async Task ChannelsAsync(DemoContext d)
    {
        foreach (var (platform, metaId, display, agent, prompt) in new[]
                 {
                     ("whatsapp", $"1098765{d.OrgSuffix}", "Northwind Sales (WhatsApp)", "Ava – WhatsApp sales", "sales-qualifier-v3"),
                     ("instagram", $"1784140{d.OrgSuffix}", "@northwind.demo", "Leo – Instagram concierge", "instagram-concierge-v1"),
                     ("webchat", $"web-northwind-{d.OrgSuffix}", "Website chat", "Nora – website assistant", "webchat-support-v2"),
                 })
        {
            var number = await d.CreateAsync("phone_numbers", new
            {
                platform, meta_phone_number_id = metaId, display_name = display,
                // Write-only: encrypted by the store, never returned.
                access_token = $"EAAG-demo-{platform}-token",
            });
            d.Ids[$"phone:{platform}"] = number;
            d.Ids[$"agent:{platform}"] = await d.CreateAsync("agents", new { phone_number_id = number, prompt_id = prompt, name = agent, is_active = true });
        }
        // The WhatsApp number was relinked from a retired agent (gone, so old_agent_id has no row).
        await d.CreateAsync("conversation_archives", new
        {
            old_agent_id = DemoContext.FakerFor("channels").Random.Guid(), new_agent_id = d.Ids["agent:whatsapp"], phone_number_id = d.Ids["phone:whatsapp"],
            archived_conversations_count = 14, archived_at = d.DaysAgo(45), reason = "Agent relinked",
        });
        // Read-only resource (bought through billing, spent by the message pipeline), one row per organization
        // which the platform may already have opened: written (or updated) by the store directly.
        if (await d.FirstIdAsync("message_credits") is { } credits)
            await d.UpdateAsync("message_credits", credits, new { remaining_credits = 4200, total_used = 5800 });
        else
            await d.CreateAsync("message_credits", new { remaining_credits = 4200, total_used = 5800 });
    }

    /// <summary>
    /// The channel pipeline's bookkeeping of the demo chats (read-only resources, written by the
    /// webhook ingestor and the outbox workers; here by the store directly): each inbound message as
    /// a processed provider event (its own queue entry), and its reply and send as finished outbox
    /// work (one send dead-lettered). Nothing is left pending, so no worker picks these up.
    /// </summary>
    public static async Task ChannelEventsAsync(DemoContext d)
    {
        foreach (var m in d.Inbound)
        {
            await d.CreateAsync("inbound_events", new
            {
                provider = m.Platform, kind = "message", external_id = m.ExternalId, phone_number_id = m.PhoneNumberId,
                payload = new { from = m.From, text = m.Text, timestamp = m.At }, received_at = m.At, processed_at = m.At.AddSeconds(1),
                attempts = 1, available_at = m.At,
            });
        }
        // A departed contact's mailbox bounced an invoice reminder (recorded as a DSN would be), so
        // the email channel no longer sends to it.
        if (d.Customers.Count > 0)
            await Clientele.Modules.Email.EmailBounces.RecordAsync(d.Session, ["former.buyer@" + d.Customers[0].Domain],
                "550 5.1.1 The email account that you tried to reach does not exist", "<dsn." + d.Customers[0].Domain + "@mail.clientele.test>", d.Ct);
        var first = d.Inbound.FirstOrDefault(m => m.Platform == "whatsapp");
        if (first.ExternalId is null) return;
        await d.CreateAsync("inbound_events", new
        {
            provider = "whatsapp", kind = "status", external_id = $"{first.ExternalId}:read", phone_number_id = first.PhoneNumberId,
            payload = new { status = "read", recipient = first.From }, received_at = first.At.AddMinutes(4), processed_at = first.At.AddMinutes(4),
        });
        await d.CreateAsync("outbox", new
        {
            topic = "agent.reply", payload = new { message_id = first.MessageId }, attempts = 1, available_at = first.At.AddSeconds(1), processed_at = first.At.AddSeconds(3),
        });
        await d.CreateAsync("outbox", new
        {
            topic = "message.send", payload = new { to = first.From }, attempts = 8, max_attempts = 8, available_at = first.At.AddMinutes(1),
            last_error = "Meta API 131047: re-engagement message outside the 24-hour window", dead_at = first.At.AddHours(2),
        });
    }
}
