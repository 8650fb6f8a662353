using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Success.Health;

/// <summary>GET /api/v1/customers/{id}/health (the score explained) and POST .../recompute_health (now, not debounced).</summary>
public static class HealthApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/customers/{id}").WithTags("Success");
        g.MapGet("/health", Get).WithName("CustomerHealth")
            .WithSummary("The customer's health explained: score, churn_risk, confidence, model, components (weight, score, contribution, evidence), trend, open risk signals, recent health events");
        g.MapPost("/recompute_health", Recompute).WithName("RecomputeCustomerHealth")
            .WithSummary("Recompute the customer's health now (writes the score, history, health events and risk signals) and answer it explained");
    }

    private static Guid ParseId(string id) => Guid.TryParse(id, out var g) ? g : throw ProblemException.NotFound($"No customer with id {id}.");

    private static async Task<IResult> Get(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var customer = ParseId(id);
        await using var s = sessions.Open(tenant);
        var health = await HealthExplanation.ReadAsync(s, customer, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No customer with id {id}.");
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Text(health.ToJsonString(), "application/json");
    }

    private static async Task<IResult> Recompute(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot recompute health.");
        var customer = ParseId(id);
        var ct = ctx.RequestAborted;
        await using var s = sessions.Open(tenant);
        var done = await HealthRecompute.RunAsync(s, [customer], DateTime.UtcNow, "api", ct);
        if (done.Count == 0) throw ProblemException.NotFound($"No customer with id {id}.");
        await s.ExecuteAsync("DELETE FROM health_recompute_requests WHERE organization_id = $1 AND customer_id = $2", [s.OrganizationId, customer], ct);
        var health = await HealthExplanation.ReadAsync(s, customer, ct);
        await s.CommitAsync(ct);
        return Results.Text(health!.ToJsonString(), "application/json");
    }
}
