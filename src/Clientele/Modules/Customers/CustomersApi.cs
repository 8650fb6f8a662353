using System.Globalization;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Customers;

/// <summary>Customer endpoints beyond the generic resource: the at-risk query of seed 000.</summary>
public static class CustomersApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/customers/at_risk", AtRisk).WithTags("Customers").WithName("CustomersAtRisk")
            .WithSummary("Customers with health_score below health_below (default 50) and churn_risk above churn_above (default 0.7)");
        api.MapGet("/customers/{id}/agent_handoffs", Handoffs).WithTags("Customers").WithName("CustomerAgentHandoffs")
            .WithSummary("Agent handoffs in the customer's conversations during the last `days` days (default 30), newest first");
    }

    /// <summary>Seed 000's "Track Agent Handoffs", served by idx_conversations_customer and idx_agent_handoffs_conversation_timestamp.</summary>
    private static async Task<IResult> Handoffs(string id, HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var errors = new FieldErrors();
        var days = 30;
        var limit = 100;
        if (q.TryGetValue("days", out var d) && (!int.TryParse(d, out days) || days is < 1 or > 3650)) errors.Add("days", "must be an integer from 1 to 3650");
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, out limit) || limit is < 1 or > ListQuery.MaxLimit)) errors.Add("limit", $"must be an integer from 1 to {ListQuery.MaxLimit}");
        errors.ThrowIfAny(400);
        var customers = registry.Find("customers")!;
        if (!Guid.TryParse(id, out var customerId)) throw ProblemException.NotFound($"No customer with id {id}.");
        await using var s = sessions.Open(tenant);
        if (!await store.ExistsAsync(s, customers, customerId, ctx.RequestAborted)) throw ProblemException.NotFound($"No customer with id {id}.");
        var result = await store.QueryAsync(s, registry.Find("agent_handoffs")!,
            "\"timestamp\" >= now() - make_interval(days => $3) AND conversation_id IN " +
            "(SELECT c.id FROM conversations c WHERE c.organization_id = $1 AND c.customer_id = $2 AND c.deleted_at IS NULL)",
            [new Npgsql.NpgsqlParameter { Value = customerId }, new Npgsql.NpgsqlParameter { Value = days }],
            "\"timestamp\" DESC, id DESC", limit, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200);
    }

    private static async Task<IResult> AtRisk(HttpContext ctx, ResourceRegistry registry, ResourceStore store, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var errors = new FieldErrors();
        var health = CustomersModule.AtRiskHealthBelow;
        var churn = CustomersModule.AtRiskChurnAbove;
        if (q.TryGetValue("health_below", out var h) && (!int.TryParse(h, out health) || health is < 0 or > 100)) errors.Add("health_below", "must be an integer from 0 to 100");
        if (q.TryGetValue("churn_above", out var c) && (!decimal.TryParse(c, NumberStyles.Number, CultureInfo.InvariantCulture, out churn) || churn is < 0 or > 1)) errors.Add("churn_above", "must be a number from 0 to 1");
        errors.ThrowIfAny(400);
        // Reuse the list machinery: the thresholds become ordinary filters, the rest of the query passes through.
        var merged = q.Where(kv => kv.Key is not ("health_below" or "churn_above")).ToDictionary(kv => kv.Key, kv => kv.Value);
        merged["health_score[lt]"] = health.ToString(CultureInfo.InvariantCulture);
        merged["churn_risk[gt]"] = churn.ToString(CultureInfo.InvariantCulture);
        if (!merged.ContainsKey("order")) merged["order"] = "health_score";
        var def = registry.Find("customers")!;
        var list = ListQuery.Parse(def, new QueryCollection(merged), tenant.IsAdmin);
        await using var s = sessions.Open(tenant);
        var result = await store.ListAsync(s, def, list, ctx.RequestAborted);
        return new JsonBytesResult(result.Json, 200);
    }
}
