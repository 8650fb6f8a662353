namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>Workflows with their runs, scheduled jobs, customer triggers with their firings, and natural-language automations.</summary>
    public static async Task AutomationAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("automation");
        // Steps in the workflow engine's action language (docs/automation.md), so the event-based one really runs on the demo's customers.
        var workflows = new (string Name, string Trigger, object Config, object[] Actions)[]
        {
            ("Renewal reminder", "time_based", new { cron = "0 9 * * 1", days_before_renewal = 90 },
                new object[] { new { type = "notify", roles = new[] { "admin" }, title = "Renewals in 90 days", message = "Prepare the renewal proposals" }, new { type = "create_task", content = "Prepare the renewal proposal" } }),
            ("At-risk alert", "condition_based", new { health_score_below = 50, churn_risk_above = 0.7 },
                new object[] { new { type = "notify", roles = new[] { "admin" }, title = "Account at risk", message = "Health dropped below 50" }, new { type = "create_task", content = "Plan a save play" } }),
            ("Onboarding welcome", "event_based", new { @event = "customer.created" },
                new object[] { new { type = "create_task", content = "Book the onboarding call", due_in_days = 3 } }),
        };
        foreach (var w in workflows)
        {
            var workflow = await d.CreateAsync("workflows", new
            {
                // The event-based one is paused: active, it would add an onboarding task to each of the 60 demo customers.
                name = w.Name, trigger_type = w.Trigger, trigger_config = w.Config, actions = w.Actions, is_active = w.Trigger != "event_based",
            });
            for (var run = 0; run < 2; run++)
            {
                var started = d.DaysAgo(1 + run * 7 + f.Random.Double(0, 0.5));
                var failed = w.Trigger == "condition_based" && run == 1;
                await d.CreateAsync("workflow_executions", new
                {
                    workflow_id = workflow, status = failed ? "failed" : "completed", started_at = started, completed_at = started.AddSeconds(f.Random.Int(1, 40)),
                    error_message = failed ? "Slack webhook returned 410 Gone" : null,
                    execution_log = w.Actions.Select((_, i) => new { step = i + 1, ok = !(failed && i == 0) }).ToArray(),
                });
            }
            if (w.Trigger == "event_based")
                await d.CreateAsync("workflow_executions", new { workflow_id = workflow, status = "running", started_at = d.DaysAgo(0.001) });
        }

        foreach (var (name, type, cron, next) in new[]
                 {
                     ("Nightly health rollup", "health_rollup", "0 2 * * *", 1.0), ("Analytics partitions", "analytics_partitions", "0 3 1 * *", 9.0),
                     ("Overdue invoice reminders", "invoice_reminders", "0 8 * * 1-5", 0.5),
                 })
            await d.CreateAsync("scheduled_tasks", new
            {
                task_name = name, task_type = type, schedule = cron, parameters = new { dry_run = false }, is_active = true,
                last_run_at = d.DaysAgo(0.9), next_run_at = d.DaysAhead(next),
            });

        // Triggers: a global one and one for a specific at-risk customer, in the engine's condition language.
        // Their fires are not written here: the health recomputation at the end of the fill publishes
        // customer.health_changed, and the engine fires on what it sees (trigger_events, fire_count).
        var watched = d.Customers.FirstOrDefault(c => c.Stage == "at_risk") ?? d.Customers[0];
        var csm = d.Csms.First();
        await d.CreateAsync("triggers", new
        {
            user_id = csm.Id, name = "Health below 40", description = "Tell the CSM when a customer's health falls below 40", type = "health_change",
            condition = new
            {
                @event = "customer.health_changed",
                all = new object[] { new { path = "customer.health_score", op = "lt", value = 40 }, new { path = "customer.health_score", op = "changed" } },
            },
            actions = new[] { new { type = "notify", owner = true, title = "Health below 40", message = "A customer's health fell below 40: open the account and look at the evidence." } },
            cooldown_minutes = 1440, max_fires_per_day = 10, enabled = true,
        });
        await d.CreateAsync("triggers", new
        {
            user_id = watched.CsmId, customer_id = watched.Id, name = $"{watched.Company} escalation watch", type = "escalation",
            condition = new { @event = "conversation.escalated" },
            actions = new[] { new { type = "create_task", content = "Call the admin: one of their conversations was escalated", due_in_days = 1 } },
            cooldown_minutes = 10080, enabled = true,
        });

        await d.CreateAsync("automations", new
        {
            name = "Weekly renewal digest", description = "Every Monday, email each CSM their renewals of the next 90 days", type = "scheduled",
            nl_description = "Every Monday at 9, send each CSM a list of their accounts renewing in the next 90 days with health and ARR.",
            steps = new[] { new { action = "query_renewals", days = 90 }, new { action = "email_digest", days = 0 } }, schedule = new { cron = "0 9 * * 1" },
            scope = new { team = "success" }, enabled = true,
        });
        await d.CreateAsync("automations", new
        {
            name = "Escalate angry VIPs", type = "triggered", nl_description = "When an enterprise customer's conversation turns negative, page the CSM.",
            steps = new[] { new { action = "page_csm" } }, trigger = new { @event = "conversation.sentiment", below = -0.5, plan = "enterprise" }, enabled = false,
        });
        await WebhooksAsync(d);
    }

    /// <summary>
    /// A developer's endpoint that was subscribed to invoice and customer events, with its delivery log:
    /// the receiver went away, so after 3 days of failures the platform disabled it (the demo runs offline,
    /// so it is created disabled rather than left retrying against the internet).
    /// </summary>
    private static async Task WebhooksAsync(DemoContext d)
    {
        var endpoint = await d.CreateAsync("webhook_endpoints", new
        {
            url = "https://hooks.example.com/clientele", description = "Finance data warehouse", events = new[] { "invoice.paid", "customer.*" },
            secret = Clientele.Modules.Automation.Webhooks.WebhookSignature.NewSecret(), enabled = false,
            failing_since = d.DaysAgo(4), disabled_reason = "Every delivery failed for 3 days (last: 410 Gone).",
        });
        foreach (var (type, ago, code) in new[] { ("invoice.paid", 6.0, 200), ("customer.updated", 5.0, 200), ("invoice.paid", 4.0, 410), ("customer.updated", 2.5, 410) })
        {
            var ok = code == 200;
            var eventId = Guid.CreateVersion7();
            var payload = System.Text.Json.JsonSerializer.Serialize(new { id = eventId, type, created_at = d.DaysAgo(ago), data = new { } });
            await d.ExecuteAsync("""
                INSERT INTO webhook_deliveries (id, organization_id, endpoint_id, event_id, event_type, payload, status, attempts,
                                                last_status_code, last_error, last_duration_ms, delivered_at, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
                """, Guid.CreateVersion7(), d.Session.OrganizationId, endpoint, eventId, type, payload, ok ? "succeeded" : "failed", ok ? 1 : 9,
                code, ok ? (object)DBNull.Value : "HTTP 410 Gone", 120 + (int)(ago * 10), ok ? d.DaysAgo(ago) : DBNull.Value, d.DaysAgo(ago));
        }
    }
}
