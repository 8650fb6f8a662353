using System.Net;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.WebConsole;

/// <summary>
/// Console requests never see problem+json or a stack trace: a failure (or a bare 4xx such as a
/// missing page, a forbidden write or an expired form) renders a small friendly HTML page, or for
/// htmx requests a fragment that console.js shows as an alert.
/// </summary>
public sealed class ConsoleErrorPages(RequestDelegate next, ILogger<ConsoleErrorPages> logger)
{
    public async Task InvokeAsync(HttpContext ctx)
    {
        try
        {
            await next(ctx);
            if (ctx.Response.StatusCode >= 400 && !ctx.Response.HasStarted && ctx.Response.ContentLength is null && ctx.Response.ContentType is null)
                await WriteAsync(ctx, ctx.Response.StatusCode, null);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            if (e is OperationCanceledException && ctx.RequestAborted.IsCancellationRequested) return;
            if (Find<ProblemException>(e) is { } p) { await WriteAsync(ctx, p.Status, p.Detail); return; }
            if (Find<PostgresException>(e) is { } pg && PostgresErrorMapper.Map(pg, null) is { } mapped) { await WriteAsync(ctx, mapped.Status, mapped.Detail); return; }
            logger.LogError(e, "Console page {Method} {Path} failed (request {RequestId})", ctx.Request.Method, ctx.Request.Path, ctx.TraceIdentifier);
            await WriteAsync(ctx, 500, null);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (var x = e; x is not null; x = x.InnerException) if (x is T t) return t;
        return null;
    }

    public static (string Title, string Text) Describe(int status) => status switch
    {
        400 => ("This request could not be used", "The form may have expired. Go back, reload the page and try again."),
        403 => ("You can't do that", "Your role does not allow this action. Ask an admin of your organization if you need it."),
        404 => ("Page not found", "There is nothing at this address. It may have been moved or deleted."),
        409 => ("That changed meanwhile", "Someone else changed this first. Reload to see the latest state."),
        429 => ("Too many requests", "Slow down a little and try again in a minute."),
        _ when status >= 500 => ("Something went wrong", "We could not show this page. Try again; if it keeps happening, quote the request id below."),
        _ => ("This request could not be used", "Go back and try again."),
    };

    public static async Task WriteAsync(HttpContext ctx, int status, string? detail)
    {
        var (title, text) = Describe(status);
        ctx.Response.Clear();
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        var e = (string? s) => WebUtility.HtmlEncode(s ?? "");
        if (ctx.Request.Headers.ContainsKey("HX-Request"))
        {
            await ctx.Response.WriteAsync($"<p class=\"flash error\" role=\"alert\"><strong>{e(title)}.</strong> {e(detail ?? text)}</p>");
            return;
        }
        await ctx.Response.WriteAsync($$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{e(title)}} · Clientele</title><link rel="stylesheet" href="/css/console.css"></head>
            <body class="bare">
            <main class="error-page" id="main">
              <p class="error-code">Error {{status}}</p>
              <h1>{{e(title)}}</h1>
              <p>{{e(text)}}</p>
              {{(detail is null ? "" : $"<p class=\"error-detail\">{e(detail)}</p>")}}
              <p><a class="button" href="/app">Back to the console</a> <a href="/login">Sign in</a></p>
              <p class="muted">Request id {{e(ctx.TraceIdentifier)}}</p>
            </main>
            </body>
            </html>
            """);
    }
}
