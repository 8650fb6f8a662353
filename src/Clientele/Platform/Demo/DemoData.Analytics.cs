using Clientele.Modules.Analytics.Events;
using Clientele.Modules.Analytics.Rollups;
using Clientele.Platform.Database;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Event streams: the customers' feature-use events (rolled up into feature_usage),
    /// an A/B test, product events,
    /// the activity feed (and a year-old archived entry), and the LLM cost ledger.
    /// </summary>
    public static async Task AnalyticsAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("analytics");
        // Feature usage is not written: the customers' product events are recorded through the batch
        // endpoint's code and the rollup counts them (feature_usage), as it will every hour. The health
        // model (HealthAsync, later) reads those rows. agent_performance, conversation_analytics and
        // daily_metrics are rolled up from the demo's conversations at the end (RollupsAsync).
        var usage = new List<ProductEvent>();
        foreach (var c in d.Customers.Where(c => c.Paying).Take(5))
            foreach (var feature in new[] { "inbox", "whatsapp_flows", "reports" })
            {
                var uses = feature == "inbox" ? Math.Max(0, c.Health - 20) : (Math.Max(0, c.Health - 20) + 3) / 4;
                for (var i = 0; i < uses; i++)
                    usage.Add(new ProductEvent(Guid.CreateVersion7(), "feature_used", "customers", c.Id,
                        $$"""{"customer_id": "{{c.Id}}", "feature": "{{feature}}"}""", null, d.DaysAgo(1).Date.AddHours(9).AddMinutes(i * 3 % 480)));
            }
        foreach (var chunk in usage.Chunk(EventBatch.MaxEvents)) await AnalyticsEventsApi.InsertAsync(d.Session, chunk, d.Ct);
        await d.Session.CommitAsync(d.Ct);
        await RollupDaysAsync(d, d.Day(-2), d.Today);

        // An experiment on the WhatsApp agent (issue 14 item 3), as the product runs one: started 30 days
        // ago, its conversations assigned by ExperimentAssignment and the ended ones' outcomes recorded.
        if (d.Ids.TryGetValue("agent:whatsapp", out var experimentAgent))
        {
            await d.Session.ExecuteAsync("""
                INSERT INTO agent_experiments (id, organization_id, test_name, agent_id, variants, status, started_at, created_by, updated_by)
                VALUES ($1, $2, 'greeting_tone', $3, $4, 'running', now() - interval '30 days', $5, $5)
                """, [Guid.CreateVersion7(), d.Session.OrganizationId, experimentAgent, System.Text.Json.Nodes.JsonNode.Parse("""
                    [{"name": "formal", "weight": 1, "prompt": "Greet formally and get to the point."},
                     {"name": "friendly", "weight": 1, "prompt": "Greet warmly by first name.", "temperature": 0.8}]
                    """), d.OwnerId], d.Ct);
            var conversations = await d.Session.QueryAsync("SELECT id, status FROM conversations WHERE organization_id = $1 AND agent_id = $2 ORDER BY started_at, id",
                [d.Session.OrganizationId, experimentAgent], r => (Id: r.GetGuid(0), Status: r.GetString(1)), d.Ct);
            foreach (var (id, status) in conversations)
            {
                await Modules.Analytics.Experiments.ExperimentAssignment.AssignAsync(d.Session, id, d.Ct);
                if (status != "active") await Modules.Analytics.Experiments.ExperimentAssignment.RecordOutcomeAsync(d.Session, id, d.Ct);
            }
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
                     // Research and outreach drafts log their own calls when the prospecting demo runs them (DemoData.Prospecting).
                     ("lead_extraction", "extract_scores", "gpt-4o-mini", 2400, 420, 1650), ("meeting_analysis", "analyze_transcript", "gpt-4o", 7600, 1200, 8100),
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

    /// <summary>Runs the product's rollups (the hourly job's code) over days of the demo, on the organization's clock.</summary>
    public static async Task RollupDaysAsync(DemoContext d, DateOnly from, DateOnly to)
    {
        var zone = await AnalyticsRollup.ZoneAsync(d.Session, d.Ct);
        await AnalyticsRollup.RunRangeAsync(d.Session, from, to, zone, d.Ct);
        await d.Session.CommitAsync(d.Ct);
    }
}
