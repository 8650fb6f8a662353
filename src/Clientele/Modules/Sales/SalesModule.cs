using Clientele.Modules.Sales.Activities;
using Clientele.Modules.Sales.Extraction;
using Clientele.Modules.Sales.Quotes;
using Clientele.Platform.Hosting;
using Clientele.Platform.Scheduling;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Modules.Sales;

/// <summary>Seed 000's sales pipeline: leads (with their extraction from chats and demo booking), deals, activities and quotes.</summary>
public sealed class SalesModule : IModule
{
    public void ConfigureResources(ResourceOptions r)
    {
        r.Table("leads")
            // Computed by the database on every write (migration 0050); explained at /leads/{id}/score.
            .ReadOnlyColumn("lead_score")
            .Computed<string>("score_band", "(CASE WHEN lead_score >= 70 THEN 'hot' WHEN lead_score >= 40 THEN 'warm' ELSE 'cold' END)")
            .Computed<bool>("is_qualified", "(qualification_status IN ('sql', 'qualified'))")
            .Computed<bool>("is_converted", "(qualification_status = 'converted' AND converted_to_customer_id IS NOT NULL)")
            .Describe("Sales leads with BANT qualification, score, owner and the customer they converted to.");
        r.Table("deals")
            .Computed<bool>("is_won", "(stage = 'closed_won')")
            .Computed<bool>("is_lost", "(stage = 'closed_lost')")
            .Computed<bool>("is_closed", "(stage IN ('closed_won', 'closed_lost'))")
            .Computed<decimal>("weighted_value", "round(value * probability / 100.0, 2)")
            .Describe("Deals in the sales pipeline with value, stage, probability and expected close date.");
        r.Table("sales_activities")
            // Set by the overdue job (sales.activity_overdue) when it notified; cleared by a new scheduled_at (migration 0107).
            .ReadOnlyColumn("overdue_notified_at")
            .Computed<bool>("is_completed", "(completed_at IS NOT NULL)")
            .Computed<bool>("is_overdue", "(completed_at IS NULL AND coalesce(scheduled_at < now(), false))")
            .Describe("Calls, emails, meetings, demos, proposals and follow-ups on deals and leads.");
        r.Table("quotes")
            // Numbered when sent, totals from the lines (migration 0085); status moves by the send/decline actions,
            // the customer's acceptance link and the expiry job.
            .ReadOnlyColumn("quote_number", "total_amount", "status", "accepted_at")
            .Computed<bool>("is_accepted", "(status = 'accepted')")
            .Describe("Price quotes with line items (description, quantity, unit_price, discount %); numbered Q-YYYY-NNNNNN when sent, gapless per organization.");
        r.Hide("quote_number_sequences");
        r.Table("imports").ReadOnly()
            .Describe("CSV imports (POST /api/v1/imports, multipart): table, mapping, dry run, progress counts and the first 1,000 per-row errors.");
    }

    public void AddServices(IServiceCollection services, IConfiguration config)
    {
        LeadExtractionSetup.AddServices(services, config);
        services.AddSingleton<QuoteTokens>();
        services.AddSingleton<QuoteExpiry>();
        services.AddSingleton<Imports.ImportRunner>();
        services.AddSystemJob("sales.quote_expiry", config["Sales:QuoteExpiryCron"] ?? "0 */15 * * * ?",
            (run, ct) => run.Services.GetRequiredService<QuoteExpiry>().RunAsync(DateTime.UtcNow, ct), "Expire sent quotes past their valid_until");
        services.AddSingleton<OverdueActivities>();
        services.AddSystemJob("sales.activity_overdue", config["Sales:OverdueActivityCron"] ?? "0 */5 * * * ?",
            (run, ct) => run.Services.GetRequiredService<OverdueActivities>().RunAsync(DateTime.UtcNow, ct), "Notify performers of sales activities past their scheduled time, once");
    }

    public void MapEndpoints(RouteGroupBuilder api)
    {
        SalesApi.Map(api);
        LeadExtractionSetup.MapEndpoints(api);
        QuotesApi.Map(api);
        Imports.ImportsApi.Map(api);
    }
}
