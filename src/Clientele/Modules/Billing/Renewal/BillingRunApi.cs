using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Billing.Renewal;

/// <summary>POST /api/v1/billing/run: the scheduled billing run, now, for the caller's organization (admins).</summary>
public static class BillingRunApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/billing/run", async (HttpContext ctx, TenantContext tenant, BillingRuns runs) =>
        {
            if (!tenant.IsAdmin) throw ProblemException.Forbidden("Only owners and admins can start a billing run.");
            var r = await runs.RunForAsync(tenant, DateTime.UtcNow, ctx.RequestAborted);
            return TypedResults.Ok(new { @object = "billing_run", renewed = r.Renewed, canceled = r.Canceled, dunning_steps = r.DunningSteps, credits_expired = r.CreditsExpired, renewal_notices = r.RenewalNotices });
        }).WithTags("Billing").WithName("RunBilling")
            .WithSummary("Run renewals (one invoice per subscription and period, however often it runs), dunning and credit expiry now for this organization");
}
