using Clientele.Modules.Prospecting;
using Clientele.Modules.Prospecting.Outreach;
using Clientele.Modules.Prospecting.Research;
using Clientele.Platform.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Demo;

internal static partial class DemoData
{
    /// <summary>
    /// Seed 004's sales assistant: industries and the solutions that serve them, prospect companies
    /// and people, an event and the touches reps logged. Research and outreach drafts come from
    /// running the assistant (ResearchProspect, CreateDraft, ReviewDraft, SendDraft without a mail
    /// relay), so their llm_usage_logs rows, approvals and interactions are the product's own.
    /// </summary>
    public static async Task ProspectingAsync(DemoContext d, IServiceProvider sp)
    {
        var f = DemoContext.FakerFor("prospecting");
        var research = sp.GetRequiredService<ResearchProspect>();
        var drafts = sp.GetRequiredService<CreateDraft>();
        var review = sp.GetRequiredService<ReviewDraft>();
        var industries = new Dictionary<string, Guid>();
        foreach (var name in new[] { "Retail", "Healthcare", "Logistics", "Fintech" })
            industries[name] = await d.CreateAsync("industries", new { name });

        foreach (var (name, category, description, pricing, keywords, useCases, serves) in new[]
                 {
                     ("WhatsApp Commerce", "messaging", "Sell and support on WhatsApp with AI agents that qualify leads and book demos.", "per_seat",
                         new[] { "whatsapp", "conversational commerce", "lead qualification" }, new[] { "order status questions", "abandoned cart follow-up" }, new[] { "Retail", "Fintech" }),
                     ("Patient Messaging", "messaging", "HIPAA-ready reminders and triage over chat.", "subscription", new[] { "appointments", "reminders", "triage" },
                         new[] { "appointment reminders", "no-show reduction" }, new[] { "Healthcare" }),
                     ("Delivery Updates", "automation", "Proactive delivery notifications and exception handling.", "usage_based", new[] { "tracking", "notifications" },
                         new[] { "delivery exceptions", "where is my order" }, new[] { "Logistics", "Retail" }),
                 })
        {
            var id = await d.CreateAsync("solutions", new { name, category, description, pricing_model = pricing, keywords, use_cases = useCases });
            foreach (var industry in serves)
                await d.CreateAsync("industry_solutions", new { industry_id = industries[industry], solution_id = id });
        }

        var eventId = await d.CreateAsync("events", new
        {
            event_type = "conference", event_date = d.DaysAhead(21).Date.AddHours(9), description = "RetailTech Europe: booth B12 and a talk on WhatsApp commerce.",
            location = "Amsterdam, NL", target_industries = new[] { "Retail", "Logistics" }, target_roles = new[] { "Head of E-commerce", "CX Director" },
            solutions_featured = new[] { "WhatsApp Commerce", "Delivery Updates" }, status = "upcoming",
        });

        var titles = new[] { "Head of E-commerce", "CX Director", "VP Operations", "Head of Patient Experience", "CFO", "CX Director" };
        var notes = new Dictionary<string, string>
        {
            ["Retail"] = "They get thousands of order status questions and want customers to reach them on WhatsApp.",
            ["Healthcare"] = "No-shows are their biggest cost; they send appointment reminders by SMS today.",
            ["Logistics"] = "Support is flooded with where is my order calls; they want proactive tracking notifications.",
            ["Fintech"] = "Onboarding questions pile up; lead qualification on WhatsApp interests them.",
        };
        var k = 0;
        foreach (var (company, industry, size) in new[] { ("Brightcart", "Retail", "201-500"), ("MediLink Clinics", "Healthcare", "51-200"), ("Parcelio", "Logistics", "501-1000"), ("Paywise", "Fintech", "11-50") })
        {
            var domain = company.ToLowerInvariant().Replace(" ", "");
            var companyId = await d.CreateAsync("companies", new { name = company, industry_id = industries[industry], size, website = $"https://{domain}.example" });
            for (var p = 0; p < (k < 2 ? 2 : 1); p++)
            {
                var first = f.Name.FirstName();
                var last = f.Name.LastName();
                var n = k * 2 + p;
                var prospect = await d.CreateAsync("prospects", new
                {
                    full_name = $"{first} {last}", email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}@{domain}.example",
                    linkedin_url = $"https://www.linkedin.com/in/{first.ToLowerInvariant()}{last.ToLowerInvariant()}", location = f.Address.City(),
                    company_id = companyId, job_title = titles[n % titles.Length], is_active = true,
                });
                // What the rep learnt on a first call: the words research matches against the catalogue.
                if (n % 3 != 2)
                    await d.CreateAsync("interactions", new
                    {
                        prospect_id = prospect, interaction_type = "call", interaction_date = d.DaysAgo(6 + k), subject = "Discovery call",
                        content = notes[industry], sentiment = "positive", outcome = n % 2 == 0 ? "Wants a proposal" : "Asked for a case study",
                    });
                Must((await research.RunAsync(d.Session, prospect, d.Now, d.Ct)).Outcome);

                // Every other prospect: an email drafted, approved in the queue and sent (recorded, no mail relay in the demo);
                // the rest wait in the review queue.
                var type = n % 3 == 1 ? "linkedin_message" : "email";
                var (outcome, draft) = await drafts.RunAsync(d.Session, prospect, new CreateDraft.Body(type, industry is "Retail" or "Logistics" ? eventId : null), d.Now, d.Ct);
                Must(outcome);
                if (n % 2 == 0)
                {
                    Must(await review.ApproveAsync(d.Session, draft!.Value, "Looks right", d.Ct));
                    Must(await SendDraft.RunAsync(d.Session, draft.Value, null, d.DaysAgo(2 + k), d.Ct));
                }
            }
            k++;
        }
        // The event's bulk action: invitations for the prospects it targets, waiting for review.
        await ProspectingApi.DraftInvitationsAsync(d.Session, drafts, eventId, d.Ct);
    }

    private static void Must(ActionOutcome outcome)
    {
        if (!outcome.Ok) throw new InvalidOperationException($"demo prospecting: {outcome.Status} {outcome.Field} {outcome.Message}");
    }
}
