using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Channel.Gateway;

/// <summary>
/// Rate limits at the edge: every caller (by token subject, else by address) gets a token bucket;
/// the anonymous partner application gets a small fixed window per address.
/// </summary>
public static class EdgeLimits
{
    public const string PerClient = "per-client";
    public const string Applications = "applications";

    public static void Configure(RateLimiterOptions options, IConfiguration config)
    {
        var perSecond = config.GetValue("Gateway:RequestsPerSecondPerClient", 500);
        var applicationsPerMinute = config.GetValue("Gateway:ApplicationsPerMinute", 10);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = async (context, ct) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString();
            await Results.Problem(statusCode: 429, title: "Too many requests.", detail: "Slow down and try again shortly.")
                .ExecuteAsync(context.HttpContext);
        };
        options.AddPolicy(PerClient, http => RateLimitPartition.GetTokenBucketLimiter(
            http.User.FindFirstValue("sub") ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond * 2,
                TokensPerPeriod = perSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            }));
        options.AddPolicy(Applications, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = applicationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }
}
