using System.Globalization;
using System.Threading.RateLimiting;
using Clientele.Platform.Auth;
using Clientele.Platform.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Clientele.Platform.Hosting;

/// <summary>
/// A token bucket per API key (or session user, or client IP for anonymous calls), and a
/// stricter window for signup and login. Rejections are 429 problem+json with Retry-After.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddClienteleRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var perSecond = config.GetValue("RateLimit:PermitsPerSecond", 100);
        var burst = config.GetValue("RateLimit:Burst", 200);
        var anonymousPerMinute = config.GetValue("RateLimit:AnonymousPerMinute", 30);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
            {
                if (!ctx.Request.Path.StartsWithSegments("/api")) return RateLimitPartition.GetNoLimiter("other");
                var who = ctx.User.FindFirst(ClaimNames.ApiKey)?.Value ?? ctx.User.FindFirst(ClaimNames.User)?.Value
                          ?? "ip:" + ctx.Connection.RemoteIpAddress;
                return RateLimitPartition.GetTokenBucketLimiter(who, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            o.AddPolicy("anonymous", ctx => RateLimitPartition.GetFixedWindowLimiter("ip:" + ctx.Connection.RemoteIpAddress, _ =>
                new FixedWindowRateLimiterOptions { PermitLimit = anonymousPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.OnRejected = async (ctx, ct) =>
            {
                var retry = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                ctx.HttpContext.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                await ProblemWriter.WriteAsync(ctx.HttpContext, 429, "Too many requests", $"Rate limit reached; retry after {retry} s.");
            };
        });
        return services;
    }
}
