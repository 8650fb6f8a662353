using System.Text.Json.Nodes;
using Clientele.Tests.Billing;
using Clientele.Tests.Infrastructure;

namespace Clientele.Tests.Prospecting;

/// <summary>
/// A small catalogue through the API: Retail and Healthcare, three solutions (two serve Retail, one of
/// them names "whatsapp"), a Retail company whose Head of E-commerce asked about WhatsApp, and an
/// upcoming RetailTech conference aimed at Retail heads of e-commerce.
/// </summary>
public sealed record ProspectingScenario(Guid Retail, Guid Healthcare, Guid WhatsApp, Guid Delivery, Guid Patient, Guid Company, Guid Prospect, Guid Interaction,
    Guid Event, string Email)
{
    public static async Task<ProspectingScenario> CreateAsync(HttpClient h)
    {
        async Task<Guid> Post(string table, object body) => Guid.Parse((await h.PostOkAsync($"/api/v1/{table}", body, 201)).Str("id"));
        var retail = await Post("industries", new { name = "Retail" });
        var health = await Post("industries", new { name = "Healthcare" });
        var whatsapp = await Post("solutions", new
        {
            name = "WhatsApp Commerce", category = "messaging", description = "Sell and support on WhatsApp with AI agents.", pricing_model = "per_seat",
            keywords = new[] { "whatsapp", "conversational commerce" }, use_cases = new[] { "order status questions" },
        });
        var delivery = await Post("solutions", new
        {
            name = "Delivery Updates", category = "automation", description = "Proactive delivery notifications.", pricing_model = "usage_based",
            keywords = new[] { "tracking" }, use_cases = new[] { "delivery exceptions" },
        });
        var patient = await Post("solutions", new
        {
            name = "Patient Messaging", category = "messaging", description = "Reminders and triage over chat.", pricing_model = "subscription",
            keywords = new[] { "appointments", "whatsapp" }, use_cases = new[] { "appointment reminders" },
        });
        await Post("industry_solutions", new { industry_id = retail, solution_id = whatsapp });
        await Post("industry_solutions", new { industry_id = retail, solution_id = delivery });
        await Post("industry_solutions", new { industry_id = health, solution_id = patient });
        var company = await Post("companies", new { name = "Brightcart", industry_id = retail, size = "201-500", website = "https://brightcart.example" });
        var email = $"ana.silva-{Guid.NewGuid():N}@brightcart.example";
        var prospect = await Post("prospects", new { full_name = "Ana Silva", email, company_id = company, job_title = "Head of E-commerce", location = "Lisbon" });
        var interaction = await Post("interactions", new
        {
            prospect_id = prospect, interaction_type = "call", interaction_date = DateTime.UtcNow.AddDays(-2), subject = "Support volumes",
            content = "They answer 4,000 order questions a week and want customers to reach them on WhatsApp.", sentiment = "positive", outcome = "Wants a demo",
        });
        var ev = await Post("events", new
        {
            event_type = "conference", event_date = DateTime.UtcNow.AddDays(20), description = "RetailTech Europe, booth B12.", location = "Amsterdam",
            target_industries = new[] { "Retail" }, target_roles = new[] { "Head of E-commerce" }, solutions_featured = new[] { "WhatsApp Commerce" }, status = "upcoming",
        });
        return new ProspectingScenario(retail, health, whatsapp, delivery, patient, company, prospect, interaction, ev, email);
    }

    /// <summary>Every source {table, id} names a row the tenant can open.</summary>
    public static async Task AssertSourcesExistAsync(HttpClient h, JsonNode source)
    {
        var table = source["table"]!.GetValue<string>();
        var id = source["id"]!.GetValue<string>();
        var r = await h.GetJsonAsync($"/api/v1/{table}/{id}");
        Shouldly.ShouldBeTestExtensions.ShouldBe((int)r.Status, 200, $"{table}/{id}");
        if (source["field"]?.GetValue<string>() is { } field) Shouldly.ShouldBeNullExtensions.ShouldNotBeNull(r.Json![field], $"{table}.{field}");
    }
}
