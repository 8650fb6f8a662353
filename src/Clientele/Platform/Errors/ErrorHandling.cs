using Clientele.Platform.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Clientele.Platform.Errors;

/// <summary>
/// Turns every failure into problem+json: ProblemException as is, PostgreSQL verdicts on bad
/// input via PostgresErrorMapper, oversized or malformed requests as 413 / 400, the rest 500
/// (logged with the request id). Also gives bare 4xx status codes a problem body.
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    /// <summary>Longest path + query string served (Kestrel's own default request-line limit is 8 KB).</summary>
    public const int MaxUrlLength = 8 * 1024;

    public async Task InvokeAsync(HttpContext ctx)
    {
        if ((ctx.Request.Path.Value?.Length ?? 0) + ctx.Request.QueryString.Value?.Length > MaxUrlLength)
        {
            await ProblemWriter.WriteAsync(ctx, 414, "URI too long", $"The path and query string must be at most {MaxUrlLength} characters; send long filters in fewer values.");
            return;
        }
        try
        {
            await next(ctx);
            if (ctx.Response.StatusCode >= 400 && !ctx.Response.HasStarted && ctx.Response.ContentLength is null && ctx.Response.ContentType is null)
                await ProblemWriter.WriteAsync(ctx, ctx.Response.StatusCode, ProblemWriter.TitleFor(ctx.Response.StatusCode), DetailFor(ctx));
        }
        catch (Exception e)
        {
            await RenderAsync(ctx, e, logger);
        }
    }

    /// <summary>Writes the problem+json answer for an exception (also used where a response is captured).</summary>
    public static async Task RenderAsync(HttpContext ctx, Exception e, ILogger logger)
    {
        if (Find<ProblemException>(e) is { } p)
        {
            await ProblemWriter.WriteAsync(ctx, p);
            return;
        }
        if (Find<Exception>(e, x => x is IProblemSource) is IProblemSource source)
        {
            var problem = source.ToProblem();
            logger.LogWarning(e, "{Method} {Path} failed in a dependency: {Detail}", ctx.Request.Method, ctx.Request.Path, problem.Detail);
            await ProblemWriter.WriteAsync(ctx, problem.Status, problem.Title, problem.Detail, problem.Errors);
            return;
        }
        if (Find<PostgresException>(e) is { } pg && PostgresErrorMapper.Map(pg, ctx.RequestServices.GetService<ResourceRegistry>()?.Catalog) is { } mapped)
        {
            await ProblemWriter.WriteAsync(ctx, mapped);
            return;
        }
        if (Find<BadHttpRequestException>(e) is { } bad)
        {
            var status = bad.StatusCode == 413 ? 413 : 400;
            await ProblemWriter.WriteAsync(ctx, status, ProblemWriter.TitleFor(status),
                status == 413 ? "The request body is larger than the server accepts." : bad.Message);
            return;
        }
        if (e is OperationCanceledException && ctx.RequestAborted.IsCancellationRequested) return; // the client went away
        logger.LogError(e, "Unhandled error for {Method} {Path} (request {RequestId})", ctx.Request.Method, ctx.Request.Path, ctx.TraceIdentifier);
        await ProblemWriter.WriteAsync(ctx, 500, "Internal server error", $"An unexpected error occurred; quote request id {ctx.TraceIdentifier} when reporting it.");
    }

    private static string? DetailFor(HttpContext ctx) => ctx.Response.StatusCode switch
    {
        401 => "Send an API key as 'Authorization: Bearer clt_live_…' or sign in.",
        404 => $"Nothing is at {ctx.Request.Path}.",
        405 => $"{ctx.Request.Method} is not allowed on {ctx.Request.Path}.",
        _ => null,
    };

    private static T? Find<T>(Exception? e, Func<T, bool>? match = null) where T : Exception
    {
        for (var x = e; x is not null; x = x.InnerException) if (x is T t && (match is null || match(t))) return t;
        return null;
    }
}
