using System.Security.Cryptography;
using System.Text;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;

namespace Clientele.Platform.Idempotency;

/// <summary>
/// Idempotency-Key on POST (DESIGN §4): the first response (status, body, Location) is kept for
/// 24 hours and replayed for the same key; the same key with another request is a 422; a key
/// whose first request is still running is a 409. 5xx answers are not kept, so a retry runs again.
/// A claim left by a crashed request is taken over after a minute.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, Microsoft.Extensions.Logging.ILogger<IdempotencyMiddleware> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(1);

    /// <summary>What makes two requests "the same": method, path, query and body bytes.</summary>
    public static byte[] HashRequest(string method, string path, string query, byte[] body) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(method + " " + path + query + "\n"), .. body]);

    public async Task InvokeAsync(HttpContext ctx, TenantContext tenant, TenantSessions sessions)
    {
        var key = ctx.Request.Headers["Idempotency-Key"].ToString();
        if (!HttpMethods.IsPost(ctx.Request.Method) || key.Length == 0 || !tenant.IsSet)
        {
            await next(ctx);
            return;
        }
        if (key.Length > 255) throw ProblemException.BadRequest("Idempotency-Key must be at most 255 characters.");

        ctx.Request.EnableBuffering();
        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        ctx.Request.Body.Position = 0;
        var hash = HashRequest(ctx.Request.Method, ctx.Request.Path, ctx.Request.QueryString.ToString(), ms.ToArray());

        // Claim the key (or find the earlier answer) in its own short transaction.
        await using (var s = sessions.Open(tenant))
        {
            var claimed = await s.ScalarAsync<int>("""
                WITH stale AS (
                  DELETE FROM idempotency_keys WHERE organization_id = $1 AND key = $2
                    AND (expires_at < now() OR (status_code IS NULL AND created_at < now() - $5::interval)))
                INSERT INTO idempotency_keys (organization_id, key, request_hash, expires_at)
                VALUES ($1, $2, $3, now() + $4::interval)
                ON CONFLICT (organization_id, key) DO NOTHING
                RETURNING 1
                """, [tenant.OrganizationId, key, hash, Lifetime, Abandoned], ctx.RequestAborted) == 1;
            if (!claimed)
            {
                var earlier = await s.QueryFirstAsync(
                    "SELECT request_hash, status_code, response_body, content_type, location FROM idempotency_keys WHERE organization_id = $1 AND key = $2",
                    [tenant.OrganizationId, key],
                    r => new Earlier(r.GetFieldValue<byte[]>(0), r.IsDBNull(1) ? null : r.GetInt32(1), r.IsDBNull(2) ? [] : r.GetFieldValue<byte[]>(2),
                        r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)), ctx.RequestAborted)
                    ?? throw ProblemException.Conflict("A request with this Idempotency-Key was just finishing; retry.");
                if (!earlier.RequestHash.AsSpan().SequenceEqual(hash))
                    throw ProblemException.Validation("Idempotency-Key", "was already used with different request parameters");
                if (earlier.StatusCode is not { } status)
                    throw ProblemException.Conflict("A request with this Idempotency-Key is still in progress.");
                ctx.Response.StatusCode = status;
                if (earlier.ContentType is not null) ctx.Response.ContentType = earlier.ContentType;
                if (earlier.Location is not null) ctx.Response.Headers.Location = earlier.Location;
                ctx.Response.Headers["Idempotent-Replayed"] = "true";
                await s.CommitAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(earlier.Body, ctx.RequestAborted);
                return;
            }
            await s.CommitAsync(ctx.RequestAborted);
        }

        var original = ctx.Response.Body;
        using var capture = new MemoryStream();
        ctx.Response.Body = capture;
        var keep = false;
        try
        {
            try
            {
                await next(ctx);
            }
            catch (Exception e)
            {
                // Render errors here, into the capture, so a 4xx answer is kept and replayed too.
                await ErrorHandlingMiddleware.RenderAsync(ctx, e, logger);
            }
            keep = ctx.Response.StatusCode < 500;
        }
        finally
        {
            ctx.Response.Body = original;
            await using var s = sessions.Open(tenant);
            var location = ctx.Response.Headers.Location.ToString();
            if (keep)
                await s.ExecuteAsync("UPDATE idempotency_keys SET status_code = $3, response_body = $4, content_type = $5, location = $6 WHERE organization_id = $1 AND key = $2",
                    [tenant.OrganizationId, key, ctx.Response.StatusCode, capture.ToArray(), SqlArg.Text(ctx.Response.ContentType), SqlArg.Text(location.Length > 0 ? location : null)],
                    CancellationToken.None);
            else
                await s.ExecuteAsync("DELETE FROM idempotency_keys WHERE organization_id = $1 AND key = $2", [tenant.OrganizationId, key], CancellationToken.None);
            await s.CommitAsync(CancellationToken.None);
            capture.Position = 0;
            await capture.CopyToAsync(original, CancellationToken.None);
        }
    }

    private sealed record Earlier(byte[] RequestHash, int? StatusCode, byte[] Body, string? ContentType, string? Location);
}
