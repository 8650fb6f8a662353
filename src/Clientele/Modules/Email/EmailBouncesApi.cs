using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Modules.Email;

/// <summary>POST /api/v1/email_bounces/{id}/clear: forget a bounced address so the email channel sends to it again (writers).</summary>
public static class EmailBouncesApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/email_bounces/{id}/clear", Clear).WithTags("Email").WithName("ClearEmailBounce")
            .WithSummary("Forget a bounced address (fixed, or the mailbox is back): later replies are sent to it again; audited");

    private static async Task<IResult> Clear(string id, HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        if (!tenant.CanWrite) throw ProblemException.Forbidden("The viewer role (or a read-only API key) cannot clear a bounce.");
        if (!Guid.TryParse(id, out var guid)) throw ProblemException.NotFound($"No email bounce with id {id}.");
        await using var s = sessions.Open(tenant);
        var address = await EmailBounces.ClearAsync(s, guid, ctx.RequestAborted) ?? throw ProblemException.NotFound($"No email bounce with id {id}.");
        await s.CommitAsync(ctx.RequestAborted);
        return Results.Json(new JsonObject { ["object"] = "email_bounce", ["id"] = guid.ToString(), ["address"] = address, ["cleared"] = true });
    }
}
