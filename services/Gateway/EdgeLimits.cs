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
    /// hold a million lines, and a claim or price list of tens of thousands: these uploads get their own
    /// limit and stream through to the service (which holds each to its own).
    /// </summary>
    public static WebApplication UseLargeReportUploads(this WebApplication app, long maxBytes)
    {
        app.Use((http, next) =>
        {
            var path = http.Request.Path;
            var large = (path.StartsWithSegments("/api/distributors") && path.Value!.EndsWith("/reports", StringComparison.Ordinal))
                || path.Equals("/api/pricing/claims") || path.Equals("/api/pricing/price-lists");
            if (HttpMethods.IsPost(http.Request.Method) && large
                && http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = maxBytes;
            return next(http);
        });
        return app;
    }
}
