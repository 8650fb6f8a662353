using Clientele.Platform.Database;
using Clientele.Platform.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Clientele.Modules.Notifications;

/// <summary>
/// GET /app/notifications/stream: server-sent events for the console's bell. At connect and after
/// every change to the signed-in user's notifications (ConsoleLive: "bell:org:user" on clientele_console)
/// it sends event "unread" whose data is the bell's badge (htmx's sse-swap puts it in place).
/// </summary>
public static class NotificationStream
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CoalesceFor = TimeSpan.FromMilliseconds(100);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/app/notifications/stream", StreamAsync).RequireAuthorization().ExcludeFromDescription();

    /// <summary>The bell's badge: the count (hidden when zero) and words for screen readers.</summary>
    public static string Badge(long unread) =>
        unread == 0 ? "<span class=\"sr-only\">no unread notifications</span>"
            : $"<span class=\"bell-count\" aria-hidden=\"true\">{(unread > 99 ? "99+" : unread.ToString(System.Globalization.CultureInfo.InvariantCulture))}</span><span class=\"sr-only\">{unread} unread</span>";

    private static async Task StreamAsync(HttpContext ctx, TenantContext tenant, TenantSessions sessions, ConsoleLive live, IHostApplicationLifetime lifetime)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, lifetime.ApplicationStopping);
        var ct = both.Token;
        if (tenant.UserId is not { } user) { ctx.Response.StatusCode = 403; return; }
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        using var sub = live.Subscribe(tenant.OrganizationId, ConsoleLive.NotificationsChannel);
        try
        {
            await ctx.Response.WriteAsync("retry: 2000\n: connected\n\n", ct);
            await SendAsync(ctx, tenant, sessions, user, ct);
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
                var mine = false;
                while (sub.Changes.TryRead(out var id)) mine |= id == user || id == Guid.Empty;
                if (mine) await SendAsync(ctx, tenant, sessions, user, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the browser went away */ }
    }

    private static async Task SendAsync(HttpContext ctx, TenantContext tenant, TenantSessions sessions, Guid user, CancellationToken ct)
    {
        long unread;
        await using (var s = sessions.Open(tenant)) unread = await NotificationInbox.UnreadCountAsync(s, user, ct);
        await ctx.Response.WriteAsync($"event: unread\ndata: {Badge(unread)}\n\n", ct);
        await ctx.Response.Body.FlushAsync(ct);
    }
}
