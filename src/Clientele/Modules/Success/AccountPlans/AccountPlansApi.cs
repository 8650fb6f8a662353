using Clientele.Platform.Http;
using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Success.AccountPlans;

/// <summary>POST /api/v1/account_plans/{id}/submit | approve | reject | reopen: the plan's approval (issue 11 item 10).</summary>
public static class AccountPlansApi
{
    public sealed record RejectBody(string? Reason);

    public static void Map(RouteGroupBuilder api)
    {
        var g = api.MapGroup("/account_plans/{id}").WithTags("Success");
        g.MapPost("/submit", (string id, HttpContext ctx, ActionEndpoint e) => e.RunAsync(ctx, "account_plans", id, (s, p) => AccountPlanActions.SubmitAsync(s, p, ctx.RequestAborted)))
            .WithName("SubmitAccountPlan").WithSummary("draft → pending_approval (needs strategic_objectives: 422); 409 from any other status");
        g.MapPost("/approve", (string id, HttpContext ctx, ActionEndpoint e) => e.RunAsync(ctx, "account_plans", id, (s, p) => AccountPlanActions.ApproveAsync(s, p, ctx.RequestAborted)))
            .WithName("ApproveAccountPlan").WithSummary("Owners and admins: pending_approval → approved, with approved_by and approved_at (403 for others, 409 from another status)");
        g.MapPost("/reject", async (string id, HttpContext ctx, ActionEndpoint e) =>
        {
            var body = await JsonBody.ReadOptionalAsync<RejectBody>(ctx) ?? new(null);
            return await e.RunAsync(ctx, "account_plans", id, (s, p) => AccountPlanActions.RejectAsync(s, p, body.Reason, ctx.RequestAborted));
        }).WithName("RejectAccountPlan").WithSummary("Owners and admins, {reason}: pending_approval → draft, the reason appended to notes");
        g.MapPost("/reopen", (string id, HttpContext ctx, ActionEndpoint e) => e.RunAsync(ctx, "account_plans", id, (s, p) => AccountPlanActions.ReopenAsync(s, p, ctx.RequestAborted)))
            .WithName("ReopenAccountPlan").WithSummary("approved or active → draft to change it; the approval is cleared");
    }
}
