namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>A demo booked from a WhatsApp chat (seed 001) and CSM meetings with customers (seed 003), with transcripts and analyses.</summary>
    public static async Task MeetingsAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("meetings");
        var lead = f.Name.FullName();
        var leadEmail = $"{lead.Split(' ')[0].ToLowerInvariant()}@shopfront.example";
        await d.CreateAsync("meetings", new
        {
            conversation_id = d.Ids["conversation:channel:1"], title = "Northwind demo: Shopify sync", description = "Booked by Ava on WhatsApp",
            customer_name = lead, customer_email = leadEmail, participants = new[] { leadEmail, d.User("sales").Email },
            scheduled_at = d.DaysAhead(2).Date.AddHours(15), duration_minutes = 20, timezone = "America/Los_Angeles",
            meeting_url = "https://meet.google.com/abc-defg-hij", calendar_event_id = $"evt_{f.Random.AlphaNumeric(16)}", status = "scheduled",
        });

        var k = 0;
        foreach (var c in d.Customers.Where(c => c.Paying && c.Stage != "churned").Take(4))
        {
            var past = k < 2;
            var csm = d.Users.First(u => u.Id == c.CsmId);
            var at = past ? d.DaysAgo(7 * (k + 1)).Date.AddHours(16) : d.DaysAhead(5 + k).Date.AddHours(14);
            var meeting = await d.CreateAsync("meetings", new
            {
                customer_id = c.Id, session_id = k == 0 && d.Ids.TryGetValue("session:0", out var s) ? s : (Guid?)null,
                title = past ? $"{c.Company} – monthly check-in" : $"{c.Company} – renewal planning", customer_name = c.Name, customer_email = c.Email,
                participants = new[] { c.Email, csm.Email },
                attendees = new[] { new { name = c.Name, email = c.Email, role = "customer", attended = past }, new { name = csm.Name, email = csm.Email, role = "csm", attended = past } },
                agenda = new[] { "Adoption review", "Open tickets", past ? "Roadmap preview" : "Renewal terms" },
                scheduled_at = at, duration_minutes = past ? 45 : 30,
                timezone = "UTC", meeting_url = $"https://meet.google.com/{f.Random.AlphaNumeric(3)}-{f.Random.AlphaNumeric(4)}-{f.Random.AlphaNumeric(3)}",
                calendar_event_id = $"evt_{f.Random.AlphaNumeric(16)}", status = past ? "completed" : "scheduled",
                metadata = new { source = "csm_calendar" },
            });
            if (past)
            {
                const string content = "CSM: Thanks for joining. How is the rollout going?\nCustomer: Good overall, the WhatsApp flows saved us hours.\n" +
                                       "Customer: We still struggle with reporting for the regional teams.\nCSM: I'll send the dashboard guide and set up a session.";
                await d.CreateAsync("transcripts", new
                {
                    meeting_id = meeting, content, duration = 45 * 60 - f.Random.Int(0, 300),
                    speakers = new[] { new { name = csm.Name, role = "csm" }, new { name = c.Name, role = "customer" } },
                    word_count = content.Split(' ', '\n').Length, language = "en",
                });
                var risky = c.Stage == "at_risk";
                await d.CreateAsync("meeting_analyses", new
                {
                    meeting_id = meeting, customer_id = c.Id, summary = "Rollout is going well; reporting for regional teams is the main gap.",
                    overall_sentiment = risky ? "mixed" : "positive", sentiment_score = risky ? 10 : 65,
                    action_items = new[] { new { owner = csm.Name, item = "Send the dashboard guide", due = d.Day(3) } },
                    commitments = new[] { "Customer to share regional KPIs" }, follow_ups = new[] { "Reporting session" },
                    risk_signals = risky ? new[] { "Reporting gap could block expansion" } : Array.Empty<string>(), risk_level = risky ? "high" : "low",
                    expansion_signals = new[] { "Regional teams want their own numbers" }, expansion_potential = risky ? "low" : "medium",
                    stakeholder_insights = new { champion = c.Name, sentiment = risky ? "concerned" : "positive" },
                    competitor_mentions = Array.Empty<string>(), confidence = 82, analyzed_at = at.AddHours(1),
                });
            }
            k++;
        }
    }
}
