using System.Text.Json.Nodes;
using Clientele.Platform.Database;
using Clientele.Platform.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Clientele.Platform.Search;

/// <summary>GET /api/v1/search?q= : the console header's search, also for API clients.</summary>
public sealed class SearchModule : IModule
{
    public void MapEndpoints(RouteGroupBuilder api) =>
        api.MapGet("/search", Search).WithTags("Search").WithName("Search")
            .WithSummary($"Customers, conversations, leads and prospects whose name, email or phone contains q (at least {GlobalSearch.MinLength} characters), {GlobalSearch.PerKind} of each");

    private static async Task<IResult> Search(HttpContext ctx, TenantSessions sessions, TenantContext tenant)
    {
        var q = GlobalSearch.Normalize(ctx.Request.Query["q"]);
        var data = new JsonArray();
        if (q is not null)
        {
            await using var s = sessions.Open(tenant);
            foreach (var h in await GlobalSearch.FindAsync(s, q, ctx.RequestAborted))
                data.Add(new JsonObject { ["kind"] = h.Kind, ["id"] = h.Id.ToString(), ["title"] = h.Title, ["detail"] = h.Detail, ["href"] = h.Href });
        }
        return Results.Text(new JsonObject { ["object"] = "list", ["query"] = q, ["data"] = data }.ToJsonString(), "application/json");
    }
}
