using System.Security.Cryptography;
using System.Text;
using Clientele.Platform.Database;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Http;
using Npgsql;
using NpgsqlTypes;

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
            await using var cmd = await s.CommandAsync("""
                WITH stale AS (
                  DELETE FROM idempotency_keys WHERE organization_id = $1 AND key = $2
                    AND (expires_at < now() OR (status_code IS NULL AND created_at < now() - $5::interval)))
                INSERT INTO idempotency_keys (organization_id, key, request_hash, expires_at)
                VALUES ($1, $2, $3, now() + $4::interval)
                ON CONFLICT (organization_id, key) DO NOTHING
                RETURNING 1
                """, ctx.RequestAborted);
            cmd.Parameters.AddWithValue(tenant.OrganizationId);
            cmd.Parameters.AddWithValue(key);
            cmd.Parameters.AddWithValue(hash);
            cmd.Parameters.AddWithValue(Lifetime);
            cmd.Parameters.AddWithValue(Abandoned);
            var claimed = await cmd.ExecuteScalarAsync(ctx.RequestAborted) is not null;
            if (!claimed)
            {
                await using var get = await s.CommandAsync(
                    "SELECT request_hash, status_code, response_body, content_type, location FROM idempotency_keys WHERE organization_id = $1 AND key = $2", ctx.RequestAborted);
                get.Parameters.AddWithValue(tenant.OrganizationId);
                get.Parameters.AddWithValue(key);
                await using var r = await get.ExecuteReaderAsync(ctx.RequestAborted);
                if (!await r.ReadAsync(ctx.RequestAborted))
                    throw ProblemException.Conflict("A request with this Idempotency-Key was just finishing; retry.");
                if (!r.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(hash))
                    throw ProblemException.Validation("Idempotency-Key", "was already used with different request parameters");
                if (r.IsDBNull(1))
                    throw ProblemException.Conflict("A request with this Idempotency-Key is still in progress.");
                ctx.Response.StatusCode = r.GetInt32(1);
                if (!r.IsDBNull(3)) ctx.Response.ContentType = r.GetString(3);
                if (!r.IsDBNull(4)) ctx.Response.Headers.Location = r.GetString(4);
                ctx.Response.Headers["Idempotent-Replayed"] = "true";
                var body = r.IsDBNull(2) ? [] : r.GetFieldValue<byte[]>(2);
                await r.DisposeAsync();
                await s.CommitAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
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
            await using var cmd = keep
                ? await s.CommandAsync("UPDATE idempotency_keys SET status_code = $3, response_body = $4, content_type = $5, location = $6 WHERE organization_id = $1 AND key = $2", CancellationToken.None)
                : await s.CommandAsync("DELETE FROM idempotency_keys WHERE organization_id = $1 AND key = $2", CancellationToken.None);
            cmd.Parameters.AddWithValue(tenant.OrganizationId);
            cmd.Parameters.AddWithValue(key);
            if (keep)
            {
                cmd.Parameters.AddWithValue(ctx.Response.StatusCode);
                cmd.Parameters.AddWithValue(capture.ToArray());
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)ctx.Response.ContentType ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                var location = ctx.Response.Headers.Location.ToString();
                cmd.Parameters.Add(new NpgsqlParameter { Value = location.Length > 0 ? location : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            }
            await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            await s.CommitAsync(CancellationToken.None);
            capture.Position = 0;
            await capture.CopyToAsync(original, CancellationToken.None);
        }
    }
}
