namespace Clientele.Platform.Demo;

/// <summary>Demo rows per module, one file each (DemoData.&lt;Module&gt;.cs), called in order by DemoSeeder.FillAsync.</summary>
internal static partial class DemoData
{
    /// <summary>Contacts, health events, segments, notes and integrations of the demo customers.</summary>
    public static async Task CustomerRecordsAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("customers");
        string[] titles = ["VP Operations", "Head of Support", "CTO", "Finance Director", "Customer Experience Lead", "COO"];

        // Two people at each of the first 15 customers: the primary business contact and a billing or technical one.
        foreach (var c in d.Customers.Take(15))
        {
            var first = f.Name.FirstName();
            var last = f.Name.LastName();
            c.PrimaryContactId = await d.CreateAsync("customer_contacts", new
            {
                customer_id = c.Id, name = $"{first} {last}", email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{c.Domain}.example",
                title = f.PickRandom(titles), phone = f.Phone.PhoneNumber("+1 ###-###-####"), role = "business", is_primary = true,
                linkedin_url = $"https://www.linkedin.com/in/{first.ToLowerInvariant()}-{last.ToLowerInvariant()}",
                sentiment = c.Stage == "at_risk" ? "skeptical" : "supportive",
            });
            var other = f.Name.FirstName();
            var technical = f.Random.Bool();
            await d.CreateAsync("customer_contacts", new
            {
                customer_id = c.Id, name = $"{other} {f.Name.LastName()}", email = $"{(technical ? "it" : "billing")}@{c.Domain}.example",
                title = technical ? "IT Manager" : "Accounts Payable", role = technical ? "technical" : "billing", is_primary = false,
            });
        }

        // Health events that explain how the at-risk and churned customers got where they are.
        foreach (var c in d.Customers.Where(c => c.Stage is "at_risk" or "churned").Take(8))
        {
            var before = Math.Min(100, c.Health + f.Random.Int(15, 35));
            var drop = before - c.Health;
            await d.CreateAsync("customer_health_events", new
            {
                customer_id = c.Id, event_type = "health_score_change", old_value = (decimal)before, new_value = (decimal)c.Health,
                reason = f.PickRandom("Usage dropped 40% month over month", "Champion left the company", "Three escalated tickets in a week", "Invoice 30 days overdue"),
                detected_by = "health_monitor", severity = drop >= 30 ? "critical" : drop >= 20 ? "high" : "medium",
            });
            await d.CreateAsync("customer_health_events", new
            {
                customer_id = c.Id, event_type = "churn_risk_change", old_value = Math.Round(Math.Max(0m, c.Churn - 0.3m), 2), new_value = c.Churn,
                reason = "Churn model re-scored after the health drop", detected_by = "churn_model", severity = c.Churn >= 0.8m ? "critical" : "high",
            });
        }
        foreach (var c in d.Customers.Where(c => c.Stage == "active" && c.Health >= 80).Take(3))
        {
            await d.CreateAsync("customer_health_events", new
            {
                customer_id = c.Id, event_type = "usage_spike", old_value = 120m, new_value = 310m,
                reason = "API calls more than doubled after the new integration went live", detected_by = "usage_monitor", severity = "low",
            });
        }

        // Industry and value segments for the first 10 customers.
        foreach (var c in d.Customers.Take(10))
        {
            await d.CreateAsync("customer_segments", new
            {
                customer_id = c.Id, segment_name = c.Industry, segment_type = "industry", confidence_score = 1.0m, assigned_by = "import",
            });
            await d.CreateAsync("customer_segments", new
            {
                customer_id = c.Id, segment_name = c.Plan is "enterprise" or "premium" ? "high_value" : "long_tail", segment_type = "value",
                confidence_score = Math.Round(f.Random.Decimal(0.7m, 0.99m), 2), assigned_by = "segmentation_model",
            });
        }

        // Notes from the CSMs and support.
        string[][] notes =
        [
            ["success", "Kick-off went well; they want WhatsApp live before the end of the quarter."],
            ["support", "Recurring webhook timeouts on their side; shared the retry guide."],
            ["sales", "Interested in the enterprise plan for the EU subsidiary."],
            ["technical", "SSO via Okta configured; SCIM provisioning pending their IT."],
            ["general", "Prefers email over calls; decision maker is the COO."],
            ["success", "Renewal conversation scheduled; budget is under review."],
        ];
        var i = 0;
        foreach (var c in d.Customers.Take(12))
        {
            var note = notes[i++ % notes.Length];
            var author = note[0] == "support" ? d.User("support").Id : note[0] == "sales" ? d.User("sales").Id : c.CsmId;
            await d.CreateAsync("customer_notes", new
            {
                customer_id = c.Id, note_type = note[0], content = note[1], is_internal = true,
                visibility = note[0] == "general" ? "company" : "team", author_id = author,
            });
        }

        // Connected systems, with sync state consistent with their status.
        foreach (var (c, type, status) in d.Customers.Take(8).Zip(
                     new[] { "salesforce", "hubspot", "zendesk", "slack", "salesforce", "intercom", "hubspot", "zendesk" },
                     new[] { "active", "active", "error", "active", "paused", "active", "disconnected", "active" }))
        {
            await d.CreateAsync("customer_integrations", new
            {
                customer_id = c.Id, integration_type = type, status,
                config = new { sync_interval_minutes = 15, objects = new[] { "accounts", "contacts" } },
                last_sync_at = status == "disconnected" ? d.DaysAgo(20) : d.DaysAgo(f.Random.Double(0.01, 0.5)),
                last_sync_status = status == "error" ? "failed" : "success",
                error_count = status == "error" ? 7 : 0,
            });
        }
    }
}
