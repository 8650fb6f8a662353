using System.Globalization;
using System.Text.Json.Nodes;
using Clientele.Modules.Billing.Subscriptions;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Clientele.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing.Usage;

/// <summary>Usage metering endpoints: batch ingestion and per-customer aggregates.</summary>
public static class UsageApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/usage_events/batch", Batch).WithTags("Billing").WithName("IngestUsageEvents")
            .WithSummary("{events: [{customer_id, event_type, quantity, unit, timestamp, idempotency_id}]} (1..1000): all or nothing; replayed ids are counted as duplicates and change nothing");
        api.MapGet("/customers/{id}/usage", ForCustomer).WithTags("Billing").WithName("CustomerUsage")
            .WithSummary("Usage per event_type over [from, to) (default: the current subscription period), with the plan's included quantity, billable overage and its amount");
    }

    private static async Task<IResult> Batch(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot record usage.");
        var body = await JsonBody.ReadAsync<UsageBatch.Body>(ctx);
        await using var s = sessions.Open(tenant);
        var r = await UsageBatch.IngestAsync(s, body, DateTime.UtcNow, ctx.RequestAborted);
        await s.CommitAsync(ctx.RequestAborted);
        return TypedResults.Ok(new { @object = "usage_batch", received = r.Received, accepted = r.Accepted, duplicates = r.Duplicates });
    }

    private static async Task<IResult> ForCustomer(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var q = ctx.Request.Query;
        var errors = new FieldErrors();
        DateTime? Parse(string name)
        {
            if (!q.TryGetValue(name, out var v)) return null;
            if (DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)) return d;
            errors.Add(name, "must be an ISO 8601 date or time");
            return null;
        }
        var from = Parse("from");
        var to = Parse("to");
        var eventType = q.TryGetValue("event_type", out var et) ? et.ToString() : null;
        errors.ThrowIfAny(400);
        if (!Guid.TryParse(id, out var customerId)) throw ProblemException.NotFound($"No customer with id {id}.");
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        if (!await s.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM customers WHERE organization_id = @org AND id = @customerId AND deleted_at IS NULL)",
                new { org = s.OrganizationId, customerId }, ct))
            throw ProblemException.NotFound($"No customer with id {id}.");
        var sub = await s.QueryFirstOrDefaultAsync<Subscription>("""
            SELECT * FROM subscriptions WHERE organization_id = @org AND customer_id = @customerId AND deleted_at IS NULL
              AND status IN ('active', 'past_due', 'trialing', 'unpaid') ORDER BY created_at DESC LIMIT 1
            """, new { org = s.OrganizationId, customerId }, ct);
        var now = DateTime.UtcNow;
        var windowFrom = from ?? sub?.CurrentPeriodStart ?? now.AddDays(-30);
        var windowTo = to ?? sub?.CurrentPeriodEnd ?? now;
        if (windowTo <= windowFrom) throw ProblemException.BadRequest("to must be after from.", new Dictionary<string, string[]> { ["to"] = ["must be after from"] });
        IReadOnlyList<UsagePrice> prices = sub is null ? [] : UsagePrice.Parse((await SubscriptionRows.PlanAsync(s, sub.Plan, sub.BillingCycle, ct))?.UsagePricing);
        var totals = await UsageTotals.SumAsync(s, customerId, windowFrom, windowTo, eventType, ct);
        var data = new JsonArray();
        foreach (var t in totals)
        {
            var price = prices.FirstOrDefault(p => p.EventType == t.EventType);
            var row = new JsonObject { ["event_type"] = t.EventType, ["unit"] = t.Unit, ["quantity"] = t.Quantity, ["events"] = t.Events };
            if (price is not null)
            {
                row["included"] = price.Included;
                row["billable"] = price.Billable(t.Quantity);
                row["unit_price"] = price.UnitPrice;
                row["amount"] = Money.Round(price.Billable(t.Quantity) * price.UnitPrice);
            }
            data.Add(row);
        }
        return TypedResults.Ok(new JsonObject
        {
            ["object"] = "usage_summary", ["customer_id"] = customerId, ["subscription_id"] = sub?.Id,
            ["from"] = windowFrom, ["to"] = windowTo, ["data"] = data,
        });
    }
}
