using Clientele.Modules.Sales.Activities;
using Clientele.Modules.Sales.Deals;
using Clientele.Modules.Sales.Leads;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Sales;

/// <summary>The pipeline's domain endpoints (docs/sales.md): lead intake, score, qualification, assignment, conversion; deal stages and the pipeline report; completing and rescheduling sales activities.</summary>
public static class SalesApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/leads", CreateLead).WithTags("Sales").WithName("CreateLead")
            .WithSummary("Create a lead (the leads resource's fields); a lead whose email another live lead has is refused with 409 and existing_id, or merged into it with ?on_duplicate=merge (200)");

        var leads = api.MapGroup("/leads/{id}").WithTags("Sales");
        leads.MapGet("/score", Score).WithName("LeadScore")
            .WithSummary("The lead's score 0-100 explained: each component (budget, authority, need, timeline, company, activity; or the chat's extraction) with points, maximum and reason");
        leads.MapPost("/qualify", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<LeadQualification.Body>(ctx);
            return await e.RunAsync(ctx, "leads", id, (s, g) => LeadQualification.QualifyAsync(s, g, body.Status, ctx.RequestAborted));
        }).WithName("QualifyLead").WithSummary("{status: mql|sql|qualified}: one step forward; mql needs an email or phone, sql an assessed need, qualified BANT and an owner (409/422 naming what is missing)");
        leads.MapPost("/disqualify", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<LeadQualification.Body>(ctx);
            return await e.RunAsync(ctx, "leads", id, (s, g) => LeadQualification.DisqualifyAsync(s, g, body.Reason, ctx.RequestAborted));
        }).WithName("DisqualifyLead").WithSummary("{reason}: an open lead becomes disqualified (the reason is kept in extra_metadata.disqualified_reason)");
        leads.MapPost("/reopen", (string id, HttpContext ctx, ActionEndpoint e) =>
            e.RunAsync(ctx, "leads", id, (s, g) => LeadQualification.ReopenAsync(s, g, ctx.RequestAborted)))
            .WithName("ReopenLead").WithSummary("A disqualified lead becomes new again");
        leads.MapPost("/assign", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<LeadAssignment.Body>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "leads", id, (s, g) => LeadAssignment.RunAsync(s, g, body.UserId, ctx.RequestAborted));
        }).WithName("AssignLead").WithSummary("{user_id?}: that user, or the active sales user with the fewest open leads (round robin on ties)");
        leads.MapPost("/convert", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<ConvertLead.Body>(ctx) ?? new(null, null);
            ConvertLead.Result? r = null;
            return await e.RunAsync(ctx, "leads", id, async (s, g) => (r = await ConvertLead.RunAsync(s, g, body, ctx.RequestAborted)).Outcome,
                () => new()
                {
                    ["customer_id"] = r!.CustomerId?.ToString(), ["deal_id"] = r.DealId?.ToString(),
                    ["customer_created"] = r.CustomerCreated ? "true" : "false", ["already_converted"] = r.AlreadyConverted ? "true" : "false",
                });
        }).WithName("ConvertLead")
            .WithSummary("{deal?: {name?, value?, currency?, stage?, expected_close_date?}}: link the customer with the lead's email or create it (with its primary contact), optionally a deal; idempotent");

        api.MapGet("/deals/pipeline", Pipeline).WithTags("Sales").WithName("DealPipeline")
            .WithSummary("?currency=&assigned_to=&close_month=YYYY-MM: count, value and weighted value per stage; open deals' forecast by month of expected_close_date");
        api.MapPost("/deals/{id}/stage", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ChangeDealStage.Body>(ctx);
            return await e.RunAsync(ctx, "deals", id, (s, g) => ChangeDealStage.RunAsync(s, g, body, ctx.RequestAborted));
        }).WithTags("Sales").WithName("ChangeDealStage")
            .WithSummary("{stage, probability?, lost_reason?}: probability defaults to the stage's; closing sets closed_at; closed_lost needs lost_reason");

        var activities = api.MapGroup("/sales_activities/{id}").WithTags("Sales");
        activities.MapPost("/complete", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<ActivityActions.CompleteBody>(ctx) ?? new(null, null, null);
            return await e.RunAsync(ctx, "sales_activities", id, (s, g) => ActivityActions.CompleteAsync(s, g, body, DateTime.UtcNow, ctx.RequestAborted));
        }).WithName("CompleteSalesActivity")
            .WithSummary("{outcome?, completed_at?, description?}: the activity is done (completed_at now unless given, not in the future); 409 when it already is");
        activities.MapPost("/reschedule", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadAsync<ActivityActions.RescheduleBody>(ctx);
            return await e.RunAsync(ctx, "sales_activities", id, (s, g) => ActivityActions.RescheduleAsync(s, g, body, ctx.RequestAborted));
        }).WithName("RescheduleSalesActivity")
            .WithSummary("{scheduled_at}: a new time for an open activity (its overdue reminder is sent again if that time passes too); 409 when completed");
    }

    private static async Task<IResult> CreateLead(HttpContext ctx, ResourceRegistry registry, ResourceStore store, BodyBinder binder, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot change data.");
        var mode = ctx.Request.Query["on_duplicate"].ToString();
        if (mode is not ("" or "refuse" or "merge"))
            throw ProblemException.BadRequest("on_duplicate must be refuse or merge.", new Dictionary<string, string[]> { ["on_duplicate"] = ["must be refuse or merge"] });
        var body = BodyBinder.ParseObject(await JsonBody.ReadBytesAsync(ctx));
        await using var s = sessions.Open(tenant);
        var r = await LeadIntake.CreateAsync(s, store, binder, registry.Find("leads")!, body, mode, ctx.RequestAborted);
        return new JsonBytesResult(r.Row.Json, r.Merged ? 200 : 201, r.Row.ETag, $"/api/v1/leads/{r.Row.Id}");
    }

    private static async Task<IResult> Score(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No lead with id {id}.");
        await using var s = sessions.Open(tenant);
        var x = await LeadScore.ExplainAsync(s, guid, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No lead with id {id}.");
        return TypedResults.Json(new
        {
            @object = "lead_score", lead_id = x.LeadId, score = x.Score, band = x.Band, basis = x.Basis,
            components = x.Parts.Select(p => new { component = p.Component, points = p.Points, max_points = p.MaxPoints, reason = p.Reason }),
        });
    }

    private static async Task<IResult> Pipeline(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var unknown = q.Keys.Where(k => k is not ("currency" or "assigned_to" or "close_month")).ToList();
        if (unknown.Count > 0)
            throw ProblemException.BadRequest("The pipeline takes currency, assigned_to and close_month.", unknown.ToDictionary(k => k, _ => new[] { "is not a parameter of this endpoint" }));
        var f = DealPipeline.Parse(NullIfEmpty(q["currency"]), q["assigned_to"], q["close_month"]);
        await using var s = sessions.Open(tenant);
        var r = await DealPipeline.ReadAsync(s, f, ctx.RequestAborted);
        return TypedResults.Json(new
        {
            @object = "pipeline", currency = r.Currency, currencies = r.Currencies,
            open = new { count = r.OpenCount, value = r.OpenValue, weighted_value = r.OpenWeightedValue },
            stages = r.Stages.Select(x => new { stage = x.Stage, count = x.Count, value = x.Value, weighted_value = x.WeightedValue, default_probability = x.DefaultProbability }),
            forecast = r.Forecast.Select(m => new { month = m.Month, count = m.Count, value = m.Value, weighted_value = m.WeightedValue }),
        });
    }

    private static string? NullIfEmpty(string? v) => string.IsNullOrEmpty(v) ? null : v;
}
