using Clientele.Modules.Sales.Quotes;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// The pipeline: leads at every qualification stage; one lead converted into an onboarding
    /// customer with its won deal, accepted quote and the activities that led there; open deals
    /// with quotes; a lost deal; and an expansion deal with an existing customer.
    /// </summary>
    public static async Task SalesAsync(DemoContext d)
    {
        var f = DemoContext.FakerFor("sales");
        var rep = d.User("sales").Id;

        // The converted lead: the same person and company as an onboarding customer.
        var won = d.Customers.FirstOrDefault(c => c.Stage == "onboarding" && c.Paying) ?? d.Customers.First(c => c.Paying);
        var convertedAt = d.DaysAgo(12);
        var convertedLead = await d.CreateAsync("leads", new
        {
            email = won.Email, name = won.Name, company = won.Company, title = "Head of Customer Experience", phone = "+1 415-555-0188",
            budget = "$50k-100k", authority = "decision_maker", need_score = 0.9m, timeline = "this_quarter",
            qualification_status = "converted", source = "whatsapp", assigned_to = rep, converted_to_customer_id = won.Id, converted_at = convertedAt,
        });
        var wonDeal = await d.CreateAsync("deals", new
        {
            lead_id = convertedLead, customer_id = won.Id, name = $"{won.Company} – {Capitalize(won.Plan)} plan", value = won.Arr, stage = "closed_won",
            probability = 100, expected_close_date = convertedAt, closed_at = convertedAt, assigned_to = rep,
        });
        await QuoteAsync(d, won.Id, wonDeal, "accepted", convertedAt.AddDays(-3), convertedAt, won.Arr, won.Plan);
        foreach (var (type, subject, daysAgo) in new[] { ("call", "Discovery call", 30.0), ("demo", "Product demo for the CX team", 24.0), ("proposal", "Proposal and quote sent", 15.0), ("email", "Signed order form received", 12.0) })
            await d.CreateAsync("sales_activities", new
            {
                deal_id = wonDeal, lead_id = convertedLead, activity_type = type, subject, outcome = "positive",
                scheduled_at = d.DaysAgo(daysAgo), completed_at = d.DaysAgo(daysAgo).AddHours(1), performed_by = rep,
            });

        // Open leads and deals.
        var statuses = new[] { ("new", 15), ("mql", 38), ("sql", 61), ("qualified", 74), ("qualified", 80), ("disqualified", 12) };
        foreach (var (status, score) in statuses)
        {
            var name = f.Name.FullName();
            var company = f.Company.CompanyName();
            var lead = await d.CreateAsync("leads", new
            {
                email = $"{name.Split(' ')[0].ToLowerInvariant()}@{new string(company.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray())}.example",
                name, company, title = f.Name.JobTitle(), phone = f.Phone.PhoneNumber("+1 ###-###-####"),
                budget = score > 60 ? "$20k-50k" : "unknown", authority = score > 60 ? "influencer" : "unknown",
                need_score = Math.Round(score / 100m, 2), timeline = score > 60 ? "next_quarter" : "unknown",
                qualification_status = status, source = f.PickRandom("website", "event", "referral", "instagram"), assigned_to = status == "new" ? (Guid?)null : rep,
                // The score is the database's (migration 0050); a disqualified lead carries its reason.
                extra_metadata = status == "disqualified" ? new { disqualified_reason = "Student project, no budget" } : null,
            });
            if (status == "mql")
                await d.CreateAsync("sales_activities", new
                {
                    lead_id = lead, activity_type = "follow_up", subject = "Follow up on the pricing page visit", scheduled_at = d.DaysAhead(1), performed_by = rep,
                });
            if (status is not ("sql" or "qualified")) continue;
            var stage = score switch { >= 80 => "negotiation", >= 70 => "proposal", _ => "qualification" };
            var probability = stage switch { "negotiation" => 70, "proposal" => 50, _ => 25 };
            var value = Math.Round(f.Random.Decimal(120, 600)) * 100;
            var deal = await d.CreateAsync("deals", new
            {
                lead_id = lead, name = $"{company} – Premium plan", value, stage, probability,
                expected_close_date = d.DaysAhead(f.Random.Int(14, 60)), assigned_to = rep,
            });
            await d.CreateAsync("sales_activities", new
            {
                deal_id = deal, lead_id = lead, activity_type = stage == "qualification" ? "call" : "demo", subject = "Qualification call",
                outcome = "positive", scheduled_at = d.DaysAgo(5), completed_at = d.DaysAgo(5).AddMinutes(40), performed_by = rep,
            });
            if (stage != "qualification")
                await QuoteAsync(d, null, deal, stage == "negotiation" ? "sent" : "draft", d.DaysAgo(3), null, value, "premium");
        }

        var lost = await d.CreateAsync("deals", new
        {
            name = "Globex – Basic plan", value = 4800m, stage = "closed_lost", probability = 0, closed_at = d.DaysAgo(20),
            lost_reason = "Chose a cheaper competitor", assigned_to = rep,
        });
        await QuoteAsync(d, null, lost, "declined", d.DaysAgo(35), d.DaysAgo(21), 4800m, "basic");

        // Expansion with an existing enterprise customer.
        var expand = d.Customers.FirstOrDefault(c => c.Plan == "enterprise" && c.Stage == "active");
        if (expand is not null)
        {
            var deal = await d.CreateAsync("deals", new
            {
                customer_id = expand.Id, name = $"{expand.Company} – 50 extra seats", value = Math.Round(expand.Arr * 0.25m, 2), stage = "proposal",
                probability = 60, expected_close_date = d.DaysAhead(30), assigned_to = rep,
            });
            await QuoteAsync(d, expand.Id, deal, "sent", d.DaysAgo(2), null, Math.Round(expand.Arr * 0.25m, 2), "enterprise");
        }
    }

    /// <summary>
    /// A quote made the product's way: a draft with its lines (the database totals them), then sent
    /// (numbered Q-YYYY-NNNNNN; the demo has no mail relay, so nothing is mailed) and answered the way
    /// the customer's link would (accepted or declined).
    /// </summary>
    private static async Task QuoteAsync(DemoContext d, Guid? customer, Guid deal, string status, DateTime sent, DateTime? answered, decimal total, string plan)
    {
        var onboarding = Math.Round(total * 0.1m, 2);
        var id = await d.CreateAsync("quotes", new
        {
            customer_id = customer, deal_id = deal,
            line_items = new object[]
            {
                new { description = $"{Capitalize(plan)} plan, 12 months", quantity = 1, unit_price = total - onboarding, discount = 0 },
                new { description = "Onboarding package", quantity = 1, unit_price = onboarding, discount = 0 },
            },
        });
        if (status == "draft") return;
        var to = customer is null ? "buyer@example.com" : null;
        (await SendQuote.IssueAsync(d.Session, id, new SendQuote.Body(to, null, sent.AddDays(30)), sent, deliver: null, d.Ct)).ThrowIfRefused();
        if (status == "accepted") (await AcceptQuote.AcceptAsync(d.Session, id, answered!.Value, d.Ct)).ThrowIfRefused();
        if (status == "declined") (await AcceptQuote.DeclineAsync(d.Session, id, answered!.Value, d.Ct)).ThrowIfRefused();
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
