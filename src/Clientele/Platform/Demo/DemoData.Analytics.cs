namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Event streams: feature usage,
    /// an A/B test, agent performance (channel agents by id, support agents by name), product events,
    /// the activity feed (and a year-old archived entry), and the LLM cost ledger.
    /// </summary>
    public static async Task AnalyticsAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("analytics");
        // conversation_analytics and daily_metrics are computed from the rows at the end (RollupsAsync).
        foreach (var c in d.Customers.Where(c => c.Paying).Take(5))
            foreach (var feature in new[] { "inbox", "whatsapp_flows", "reports" })
                await d.CreateAsync("feature_usage", new
                {
                    customer_id = c.Id, feature_name = feature, usage_count = Math.Max(0, c.Health - 20) * (feature == "inbox" ? 4 : 1),
                    last_used_at = d.DaysAgo(1).Date.AddHours(17), date = d.Day(-1),
                });

        var k = 0;
        foreach (var c in d.Customers.Where(c => c.Paying).Take(6))
        {
            var variant = k % 2 == 0 ? "A" : "B";
            await d.CreateAsync("ab_tests", new
            {
                test_name = "greeting_tone", variant, customer_id = c.Id,
                conversation_id = d.Ids.TryGetValue($"conversation:support:{k}", out var conv) ? conv : (Guid?)null,
                outcome = variant == "B" && k != 3 ? "resolved" : "escalated", metric_value = variant == "A" ? 4.1 + k * 0.05 : 4.5 + k * 0.05,
                timestamp = d.DaysAgo(k + 1), extra_metadata = new { variant_description = variant == "A" ? "formal" : "friendly" },
            });
            k++;
        }

        foreach (var platform in new[] { "whatsapp", "instagram", "webchat" })
            for (var day = 3; day >= 1; day--)
            {
                var interactions = f.Random.Int(20, 60);
                await d.CreateAsync("agent_performance", new
                {
                    agent_id = d.Ids[$"agent:{platform}"], date = d.Day(-day), total_interactions = interactions,
                    successful_resolutions = interactions * 3 / 4, escalations = interactions / 10, avg_confidence = Math.Round(f.Random.Double(0.75, 0.92), 2),
                    avg_sentiment = Math.Round(f.Random.Double(0.1, 0.6), 2), avg_response_time_ms = f.Random.Int(900, 2500), conversation_count = interactions,
                    message_count = interactions * 8, avg_response_time = Math.Round(f.Random.Decimal(0.9m, 2.5m), 2), total_tokens = (long)interactions * 2800,
                    error_count = f.Random.Int(0, 2), satisfaction_score = Math.Round(f.Random.Decimal(4.0m, 4.9m), 2),
                });
            }
        foreach (var name in new[] { "triage", "billing", "technical" })
        {
            var interactions = f.Random.Int(30, 80);
            await d.CreateAsync("agent_performance", new
            {
                agent_name = name, date = d.Day(-1), total_interactions = interactions, successful_resolutions = interactions * 2 / 3,
                escalations = interactions / 8, avg_confidence = Math.Round(f.Random.Double(0.7, 0.9), 2), avg_sentiment = 0.3,
                avg_response_time_ms = f.Random.Int(600, 1800),
            });
        }

        // Product analytics events and the activity feed, about real rows.
        var people = d.Users.Where(u => u.Role != "viewer").ToList();
        for (var e = 0; e < 10; e++)
        {
            var c = d.Customers[e * 3];
            var u = people[e % people.Count];
            await d.CreateAsync("analytics_events", new
            {
                event_type = e % 3 == 0 ? "report_exported" : "customer_viewed", resource_type = "customers", resource_id = c.Id, user_id = u.Id,
                properties = new { page = "customer_profile", duration_ms = f.Random.Int(2000, 60000), plan = c.Plan },
            });
        }
        for (var e = 0; e < 8; e++)
        {
            var c = d.Customers[e * 5 + 1];
            var u = people[(e + 1) % people.Count];
            var action = f.PickRandom("customer.updated", "note.created", "invoice.sent", "meeting.scheduled");
            await d.CreateAsync("activity_logs", new
            {
                user_id = u.Id, actor_name = u.Name, action_type = action, resource_type = "customers", resource_id = c.Id, resource_name = c.Company,
                metadata = new { via = "web" }, ip_address = $"203.0.113.{10 + e}",
            });
        }
        // activity_logs_archive holds entries older than a year, moved by the retention job: created_at is
        // server-set in the store, so these are inserted with SQL as the job would leave them.
        foreach (var (ago, action) in new[] { (400, "customer.updated"), (420, "note.created"), (455, "customer.created") })
            await d.ExecuteAsync("""
                INSERT INTO activity_logs_archive (id, organization_id, user_id, actor_name, action_type, resource_type, resource_id, resource_name, metadata, ip_address, created_at)
                VALUES ($1, $2, $3, $4, $5, 'customers', $6, $7, '{"via": "web"}', '198.51.100.7', $8)
                """, Guid.CreateVersion7(), d.Session.OrganizationId, d.OwnerId, d.Users[0].Name, action, d.Customers[ago % 60].Id, d.Customers[ago % 60].Company, d.DaysAgo(ago));

        // The LLM cost ledger (read-only resource, written by the AI layer; here by the store directly).
        foreach (var (workflow, node, model, prompt, completion, latency) in new[]
                 {
                     ("support_reply", "triage", "gpt-4o-mini", 820, 64, 410), ("support_reply", "billing_agent", "gpt-4o-mini", 1900, 310, 1280),
                     ("lead_extraction", "extract_scores", "gpt-4o-mini", 2400, 420, 1650), ("prospect_research", "summarize", "gpt-4o", 5200, 900, 5400),
                     ("outreach_draft", "write_email", "gpt-4o", 1800, 650, 3900), ("meeting_analysis", "analyze_transcript", "gpt-4o", 7600, 1200, 8100),
                 })
        {
            var perInput = model == "gpt-4o" ? 0.0000025m : 0.00000015m;
            var perOutput = model == "gpt-4o" ? 0.00001m : 0.0000006m;
            await d.CreateAsync("llm_usage_logs", new
            {
                workflow_name = workflow, node_name = node, model, prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion,
                latency_ms = latency, cost = Math.Round(prompt * perInput + completion * perOutput, 6),
            });
        }
    }
}
