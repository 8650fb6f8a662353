namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Seed 004's sales assistant: industries and the solutions that serve them, prospect companies
    /// and people, an event, interactions, AI outreach drafts and research.
    /// </summary>
    public static async Task ProspectingAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("prospecting");
        var industries = new Dictionary<string, Guid>();
        foreach (var name in new[] { "Retail", "Healthcare", "Logistics", "Fintech" })
            industries[name] = await d.CreateAsync("industries", new { name });

        var solutions = new Dictionary<string, Guid>();
        foreach (var (name, category, description, pricing, keywords, serves) in new[]
                 {
                     ("WhatsApp Commerce", "messaging", "Sell and support on WhatsApp with AI agents that qualify leads and book demos.", "per_seat",
                         new[] { "whatsapp", "conversational commerce", "lead qualification" }, new[] { "Retail", "Fintech" }),
                     ("Patient Messaging", "messaging", "HIPAA-ready reminders and triage over chat.", "subscription", new[] { "appointments", "reminders", "triage" }, new[] { "Healthcare" }),
                     ("Delivery Updates", "automation", "Proactive delivery notifications and exception handling.", "usage_based", new[] { "tracking", "notifications" }, new[] { "Logistics", "Retail" }),
                 })
        {
            var id = await d.CreateAsync("solutions", new
            {
                name, category, description, pricing_model = pricing, keywords, use_cases = new[] { $"{name} for mid-market teams" },
            });
            solutions[name] = id;
            foreach (var industry in serves)
                await d.CreateAsync("industry_solutions", new { industry_id = industries[industry], solution_id = id });
        }

        var eventId = await d.CreateAsync("events", new
        {
            event_type = "conference", event_date = d.DaysAhead(21).Date.AddHours(9), description = "RetailTech Europe: booth B12 and a talk on WhatsApp commerce.",
            location = "Amsterdam, NL", target_industries = new[] { "Retail", "Logistics" }, target_roles = new[] { "Head of E-commerce", "CX Director" },
            solutions_featured = new[] { "WhatsApp Commerce", "Delivery Updates" }, status = "upcoming",
        });

        var statuses = new[] { "new", "researching", "contacted", "engaged", "qualified", "lost" };
        var k = 0;
        foreach (var (company, industry, size) in new[] { ("Brightcart", "Retail", "201-500"), ("MediLink Clinics", "Healthcare", "51-200"), ("Parcelio", "Logistics", "501-1000"), ("Paywise", "Fintech", "11-50") })
        {
            var domain = company.ToLowerInvariant().Replace(" ", "");
            var companyId = await d.CreateAsync("companies", new { name = company, industry_id = industries[industry], size, website = $"https://{domain}.example" });
            for (var p = 0; p < (k < 2 ? 2 : 1); p++)
            {
                var first = f.Name.FirstName();
                var last = f.Name.LastName();
                var status = statuses[(k * 2 + p) % statuses.Length];
                var contacted = status is not ("new" or "researching");
                var prospect = await d.CreateAsync("prospects", new
                {
                    full_name = $"{first} {last}", email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{domain}.example",
                    linkedin_url = $"https://www.linkedin.com/in/{first.ToLowerInvariant()}{last.ToLowerInvariant()}", location = f.Address.City(),
                    company_id = companyId, last_contacted_at = contacted ? d.DaysAgo(3 + k) : (DateTime?)null, is_active = status != "lost", status,
                });
                var solution = industry switch { "Healthcare" => "Patient Messaging", "Logistics" => "Delivery Updates", _ => "WhatsApp Commerce" };
                await d.CreateAsync("prospect_research", new
                {
                    prospect_id = prospect, research_summary = $"{company} ({size} employees) is growing its online channel and hiring support staff.",
                    key_insights = new[] { "Hiring 5 support agents", "Uses Shopify" }, recommended_solutions = new[] { solution },
                    confidence_score = Math.Round(f.Random.Double(0.6, 0.95), 2),
                });
                if (contacted)
                {
                    await d.CreateAsync("interactions", new
                    {
                        prospect_id = prospect, event_id = industry is "Retail" or "Logistics" ? eventId : (Guid?)null, interaction_type = p == 0 ? "email" : "linkedin",
                        interaction_date = d.DaysAgo(3 + k), subject = $"{solution} for {company}", content = "Shared a case study and proposed a call.",
                        sentiment = status == "lost" ? "negative" : "positive", outcome = status == "lost" ? "Not a priority this year" : "Call booked",
                    });
                    if (status is "engaged" or "qualified")
                        await d.CreateAsync("interactions", new
                        {
                            prospect_id = prospect, interaction_type = "call", interaction_date = d.DaysAgo(1), subject = "Discovery call",
                            content = "Walked through their support volumes and WhatsApp plans.", sentiment = "positive", outcome = "Wants a proposal",
                        });
                }
                await d.CreateAsync("outreach_drafts", new
                {
                    prospect_id = prospect, event_id = industry == "Retail" ? eventId : (Guid?)null, draft_type = contacted ? "follow_up" : "cold_email",
                    content = $"Hi {first}, teams like {company} use {solution} to answer customers where they already are. Worth a 20-minute call?",
                    status = contacted ? "sent" : "draft",
                });
            }
            k++;
        }
    }
}
