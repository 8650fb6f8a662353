using Clientele.Platform.Database;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Clientele.Modules.Conversations.Inbox;

/// <summary>
/// GET /app/inbox/stream: server-sent events for the open inbox of the signed-in organization.
/// After any change it sends "inbox" (the list refreshes) and "c-&lt;conversation id&gt;" per changed
/// conversation (its open thread refreshes). Changes within CoalesceFor travel as one burst, so a
/// busy organization costs one refresh per interval, not one per message.
/// </summary>
public static class InboxStream
{
    private static readonly TimeSpan CoalesceFor = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/app/inbox/stream", StreamAsync).RequireAuthorization().ExcludeFromDescription();

    private static async Task StreamAsync(HttpContext ctx, TenantContext tenant, ConsoleLive live, IHostApplicationLifetime lifetime)
    {
        // Ends with the browser's request or with the server (a shutdown does not wait for open streams).
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
        var ct = both.Token;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        using var sub = live.Subscribe(tenant.OrganizationId);
        await ctx.Response.WriteAsync("retry: 2000\n: connected\n\n", ct);
        await ctx.Response.Body.FlushAsync(ct);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(Heartbeat);
                bool more;
                try { more = await sub.Changes.WaitToReadAsync(wait.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await ctx.Response.WriteAsync(": ping\n\n", ct);
                    await ctx.Response.Body.FlushAsync(ct);
                    continue;
                }
                if (!more) break;
                await Task.Delay(CoalesceFor, ct);
                var changed = new HashSet<Guid>();
                while (sub.Changes.TryRead(out var id)) changed.Add(id);
                var text = new System.Text.StringBuilder("event: inbox\ndata: changed\n\n");
                foreach (var id in changed.Where(x => x != Guid.Empty).Take(50)) text.Append("event: c-").Append(id.ToString("N")).Append("\ndata: changed\n\n");
                await ctx.Response.WriteAsync(text.ToString(), ct);
                await ctx.Response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the browser went away */ }
    }
}
