using System.Security.Claims;
using System.Threading.RateLimiting;
using Channel.Hosting.Auth;
using Microsoft.AspNetCore.Http.Features;
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
        // Per client address (the TCP peer, or what a configured proxy says it is). Vendor staff entering
        // applications for resellers (their token checked by then) are not limited.
        options.AddPolicy(Applications, http => http.User.IsInRole(Roles.ChannelManager) || http.User.IsInRole(Roles.Admin)
            ? RateLimitPartition.GetNoLimiter("staff")
            : RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = applicationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>
    /// Every request body is small (a few MB) except a distributor's sell-through report, which may
    /// hold a million lines: its upload gets its own limit and streams through to the service.
    /// </summary>
    public static WebApplication UseLargeReportUploads(this WebApplication app, long maxBytes)
    {
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            if (HttpMethods.IsPost(http.Request.Method) && path.StartsWithSegments("/api/distributors")
                && path.Value!.EndsWith("/reports", StringComparison.Ordinal)
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = maxBytes;
            return next(http);
        });
        return app;
    }
}
