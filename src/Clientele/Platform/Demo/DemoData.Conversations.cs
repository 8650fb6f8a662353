namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    private sealed record Line(string Role, string? Agent, string Content, string? Intent = null, double? Sentiment = null);

    private sealed record SupportScript(string Channel, string Status, string Intent, string Emotion, string[] Agents, string? ResolvedBy, int? Csat,
        Line[] Lines, (string From, string To, string Reason)[] Handoffs, string[] Tags);

    private static readonly SupportScript[] SupportScripts =
    [
        new("web_chat", "resolved", "billing_question", "neutral", ["triage", "billing"], "billing", 5,
        [
            new("user", null, "Hi, we were charged twice for this month's invoice.", "billing_question", -0.3),
            new("assistant", "triage", "Sorry about that! Let me bring in our billing specialist.", "billing_question", 0.2),
            new("assistant", "billing", "I see two payment attempts; the second was a pre-authorization and has been released. It disappears within 3 days.", "billing_question", 0.4),
            new("user", null, "Great, thanks for the quick answer!", "gratitude", 0.8),
        ], [("triage", "billing", "Billing intent detected with high confidence")], ["billing", "double_charge"]),
        new("email", "escalated", "technical_issue", "frustrated", ["triage", "technical", "escalation"], null, null,
        [
            new("user", null, "Our webhook integration has been failing since yesterday and orders are not syncing.", "technical_issue", -0.7),
            new("assistant", "triage", "Thanks for reporting this. I'm routing you to our technical agent.", "technical_issue", 0.0),
            new("assistant", "technical", "I can see 502 responses from your endpoint since 14:02 UTC. Could you check your load balancer?", "technical_issue", 0.1),
            new("user", null, "We checked, everything is fine on our side. This is urgent, we are losing orders.", "complaint", -0.8),
            new("assistant", "escalation", "I've escalated this to our on-call engineer, who will contact you within 30 minutes.", "technical_issue", 0.2),
        ], [("triage", "technical", "Technical intent"), ("technical", "escalation", "Customer frustrated and business impact reported")], ["webhooks", "urgent", "escalated"]),
        new("widget", "resolved", "how_to", "curious", ["triage", "onboarding"], "onboarding", 4,
        [
            new("user", null, "How do I connect our WhatsApp Business number?", "how_to", 0.3),
            new("assistant", "onboarding", "Go to Settings → Channels → Add number and log in with your Meta Business account.", "how_to", 0.5),
            new("user", null, "Done, it works. Thanks!", "gratitude", 0.9),
        ], [("triage", "onboarding", "New customer asking a setup question")], ["onboarding", "whatsapp"]),
        new("slack", "active", "plan_upgrade", "positive", ["triage", "sales"], null, null,
        [
            new("user", null, "We are hiring 20 more agents next month. What would the enterprise plan cost?", "plan_upgrade", 0.6),
            new("assistant", "sales", "Happy to help! For 45 seats on annual billing I can prepare a quote today. Do you need SSO too?", "plan_upgrade", 0.6),
        ], [("triage", "sales", "Upgrade intent")], ["expansion"]),
    ];

    private static readonly (string Level, int Score)[] Levels = [("Low", 1), ("Medium", 2), ("High", 3)];

    /// <summary>
    /// Support conversations with customers (seed 000: messages by logical agents, handoffs,
    /// collaborations, tags) and channel conversations through the agents (seed 001: phones,
    /// delivery statuses, lead extractions). sequence_no is left to the database trigger.
    /// </summary>
    public static async Task ConversationsAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("conversations");
        var n = 0;
        foreach (var c in d.Customers.Where(c => c.Paying && c.Stage != "churned").Take(6))
        {
            var script = SupportScripts[n % SupportScripts.Length];
            var started = d.DaysAgo(1 + n * 2.5);
            var at = started;
            var times = script.Lines.Select(_ => at = at.AddSeconds(f.Random.Int(20, 400))).ToArray();
            var ended = script.Status == "resolved" ? times[^1].AddMinutes(2) : (DateTime?)null;
            var conversation = await d.CreateAsync("conversations", new
            {
                customer_id = c.Id, status = script.Status, channel = script.Channel, primary_intent = script.Intent,
                intent_confidence = Math.Round(f.Random.Decimal(0.75m, 0.98m), 2), emotion = script.Emotion, agents_involved = script.Agents,
                resolved_by_agent = script.ResolvedBy, sentiment_avg = Math.Round(script.Lines.Average(l => l.Sentiment ?? 0), 2),
                kb_articles_used = script.Channel == "widget" ? new[] { "connect-whatsapp-number" } : Array.Empty<string>(),
                first_response_time_seconds = (int)(times[1] - times[0]).TotalSeconds,
                resolution_time_seconds = ended is { } e ? (int)(e - started).TotalSeconds : (int?)null,
                csat_score = script.Csat, started_at = started, ended_at = ended, last_activity_at = times[^1], last_message_at = times[^1],
                is_active = script.Status != "resolved",
            });
            d.Ids[$"conversation:support:{n}"] = conversation;
            for (var i = 0; i < script.Lines.Length; i++)
            {
                var line = script.Lines[i];
                await d.CreateAsync("messages", new
                {
                    conversation_id = conversation, role = line.Role, content = line.Content, agent_name = line.Agent, intent = line.Intent,
                    sentiment = line.Sentiment, confidence = line.Role == "assistant" ? Math.Round(f.Random.Double(0.7, 0.97), 2) : (double?)null,
                    agent_confidence = line.Role == "assistant" ? Math.Round(f.Random.Decimal(0.7m, 0.97m), 2) : (decimal?)null,
                    urgency = script.Status == "escalated" ? "high" : "low",
                    model_used = line.Role == "assistant" ? "gpt-4o-mini" : null, tokens_used = line.Role == "assistant" ? f.Random.Int(120, 900) : (int?)null,
                    timestamp = times[i],
                });
            }
            var handoffAt = times[0];
            foreach (var (from, to, reason) in script.Handoffs)
            {
                handoffAt = handoffAt.AddSeconds(5);
                await d.CreateAsync("agent_handoffs", new
                {
                    conversation_id = conversation, from_agent = from, to_agent = to, handoff_reason = reason,
                    state_transferred = new { customer_id = c.Id, plan = c.Plan, intent = script.Intent },
                    confidence_before = Math.Round(f.Random.Decimal(0.4m, 0.7m), 2), timestamp = handoffAt, latency_ms = f.Random.Int(80, 900),
                });
            }
            if (script.Agents.Length > 2 || n % 2 == 0)
            {
                var durationMs = f.Random.Int(1500, 9000);
                await d.CreateAsync("agent_collaborations", new
                {
                    conversation_id = conversation, collaboration_type = script.Agents.Length > 2 ? "verification" : "sequential",
                    agents_involved = script.Agents, coordinator_agent = "triage", start_time = times[0], end_time = times[0].AddMilliseconds(durationMs),
                    duration_ms = durationMs, outcome = script.Status == "escalated" ? "Escalated to a human engineer" : "Answer agreed by all agents",
                    consensus_reached = script.Status != "escalated",
                });
            }
            foreach (var tag in script.Tags)
                await d.CreateAsync("conversation_tags", new
                {
                    conversation_id = conversation, tag, tag_category = tag is "urgent" or "escalated" ? "priority" : "topic",
                    confidence = Math.Round(f.Random.Decimal(0.8m, 0.99m), 2), tagged_by = "tagger_agent",
                });
            n++;
        }

        // Channel conversations: WhatsApp has an archived chat and a new one with the same phone, plus another phone.
        var channelChats = new[]
        {
            (Platform: "whatsapp", Channel: "whatsapp", Phone: "+14155550101", Active: false, Days: 30.0),
            (Platform: "whatsapp", Channel: "whatsapp", Phone: "+14155550101", Active: true, Days: 2.0),
            (Platform: "whatsapp", Channel: "whatsapp", Phone: "+447700900123", Active: true, Days: 1.0),
            (Platform: "instagram", Channel: "instagram", Phone: "ig:northwind.fan.42", Active: true, Days: 3.0),
            (Platform: "webchat", Channel: "web_chat", Phone: "web:visitor-8f2c", Active: true, Days: 0.5),
        };
        string[][] chat =
        [
            ["user", "Hi! Do you integrate with Shopify?"],
            ["assistant", "Yes! Orders, customers and refunds sync both ways. How many orders do you handle a month?"],
            ["user", "About 3,000, and we need it live before Black Friday."],
            ["assistant", "That fits our Premium plan. Would you like a 20-minute demo this week?"],
        ];
        var k = 0;
        foreach (var ch in channelChats)
        {
            var started = d.DaysAgo(ch.Days);
            var times = Enumerable.Range(0, chat.Length).Select(i => started.AddMinutes(i * 3 + 1)).ToArray();
            var conversation = await d.CreateAsync("conversations", new
            {
                agent_id = d.Ids[$"agent:{ch.Platform}"], customer_phone = ch.Phone, channel = ch.Channel,
                openai_conversation_id = $"conv_{f.Random.AlphaNumeric(16)}", status = ch.Active ? "active" : "resolved", primary_intent = "product_inquiry",
                started_at = started, ended_at = ch.Active ? (DateTime?)null : times[^1].AddHours(1), last_message_at = times[^1], last_activity_at = times[^1],
                last_extraction_at = times[^1].AddMinutes(1), is_active = ch.Active,
            });
            d.Ids[$"conversation:channel:{k}"] = conversation;
            for (var i = 0; i < chat.Length; i++)
            {
                var outbound = chat[i][0] == "assistant";
                var platformId = ch.Platform == "whatsapp" ? $"wamid.{f.Random.AlphaNumeric(24)}" : $"{ch.Platform}.{f.Random.AlphaNumeric(18)}";
                var message = await d.CreateAsync("messages", new
                {
                    conversation_id = conversation, role = chat[i][0], content = chat[i][1], timestamp = times[i], status = "sent", platform_message_id = platformId,
                    model_used = outbound ? "gpt-4o-mini" : null, tokens_used = outbound ? f.Random.Int(80, 400) : (int?)null,
                });
                if (!outbound) d.Inbound.Add((ch.Platform, d.Ids[$"phone:{ch.Platform}"], platformId, ch.Phone, chat[i][1], times[i], message));
                if (outbound)
                    await d.CreateAsync("message_delivery_status", new
                    {
                        message_id = message, platform_message_id = platformId, status = i == chat.Length - 1 && ch.Active ? "delivered" : "read",
                    });
            }
            // Lead scoring: the latest extraction of each chat; the long-running WhatsApp chat also keeps an earlier one.
            if (k == 1)
                await d.CreateAsync("extractions", Extraction(f, conversation, ch.Phone, times[1], 2, false, (1, 1, 2, 2, 1)));
            var scores = k switch { 1 => (3, 3, 2, 3, 3), 2 => (2, 2, 2, 3, 2), 3 => (1, 1, 2, 2, 1), _ => (2, 3, 1, 2, 2) };
            await d.CreateAsync("extractions", Extraction(f, conversation, ch.Phone, times[^1].AddMinutes(1), chat.Length, true, scores));
            k++;
        }
    }

    private static object Extraction(Bogus.Faker f, Guid conversation, string phone, DateTime at, int messageCount, bool latest, (int Intent, int Urgency, int Budget, int Fit, int Engagement) s)
    {
        var total = s.Intent + s.Urgency + s.Budget + s.Fit + s.Engagement;
        string Level(int score) => Levels.First(l => l.Score == score).Level;
        var name = f.Name.FullName();
        return new
        {
            conversation_id = conversation, customer_phone = phone, extracted_at = at, is_latest = latest, message_count_at_extraction = messageCount,
            name, email = $"{name.Split(' ')[0].ToLowerInvariant()}@{f.Internet.DomainWord()}.example", company = f.Company.CompanyName(),
            intent = "Wants Shopify sync live before Black Friday",
            intent_level = Level(s.Intent), intent_score = s.Intent, urgency_level = Level(s.Urgency), urgency_score = s.Urgency,
            budget_constraint = s.Budget switch { 3 => "No", 2 => "Maybe", _ => "Yes" }, budget_score = s.Budget,
            fit_alignment = Level(s.Fit), fit_score = s.Fit, engagement_health = Level(s.Engagement), engagement_score = s.Engagement,
            cta_pricing_clicked = s.Budget >= 2 ? "Yes" : "No", cta_demo_clicked = s.Intent == 3 ? "Yes" : "No", cta_followup_clicked = "No",
            cta_sample_clicked = "No", cta_website_clicked = "Yes", cta_escalated_to_human = "No",
            total_score = total, lead_status_tag = total >= 12 ? "Hot" : total >= 9 ? "Warm" : "Cold",
            demo_book_datetime = s.Intent == 3 ? at.AddDays(2) : (DateTime?)null,
            reasoning = new { intent = "Asked about integrations and timing", budget = s.Budget >= 2 ? "No objection to pricing" : "Asked for discounts" },
            smart_notification = total >= 12 ? "Hot lead: wants a demo this week" : null,
        };
    }
}
