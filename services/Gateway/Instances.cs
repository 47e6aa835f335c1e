using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Channel.Gateway;

/// <summary>
/// A service may run as several instances, each a destination of its cluster. The gateway asks each instance's
/// readiness (<c>/health/ready</c>) every couple of seconds and sends nothing to one that is not ready: stopping
/// (it says so from the moment it is told to, and keeps serving while it drains), without its database, or gone. A
/// destination that fails requests is left out for a while without waiting for the next probe. If every instance of a
/// service looks unwell, all are tried rather than none (the service's own answer beats the gateway's 503).
/// <para>
/// A request that could not reach an instance at all (refused, reset before an answer) is sent to another one when
/// sending it twice cannot do anything twice: a safe or idempotent method, or a POST carrying an Idempotency-Key (the
/// services answer a repeated key with the first answer). Any other request goes to another instance only when this one
/// provably never got it: no connection could be opened to it (it has stopped, or is not yet listening). Its body, if any,
/// is kept to be sent again (small ones only).
/// </para>
/// </summary>
public static class Instances
{
    /// <summary>Largest request body of known length kept for a second attempt; a larger request is sent once.</summary>
    public const long ReplayableBodyBytes = 1024 * 1024;

    /// <summary>How long a destination that failed requests is left out before it is tried again (10 s by default).</summary>
    public static TimeSpan ReactivationPeriod(IConfiguration config) => config.GetValue("Gateway:ReactivationPeriod", TimeSpan.FromSeconds(10));

    /// <summary>
    /// YARP leaves a destination out for at least the failure-rate policy's detection window (60 s unless told), whatever
    /// the cluster's reactivation period says: an instance killed and started again was kept out for a minute, and when its
    /// sibling was then stopped for a rolling restart both looked unwell, so the stopping one got requests until it closed.
    /// The window is made the reactivation period.
    /// </summary>
    public static void LeaveOutFailingDestinations(IServiceCollection services, IConfiguration config) =>
        services.Configure<TransportFailureRateHealthPolicyOptions>(o => o.DetectionWindowSize = ReactivationPeriod(config));

    /// <summary>Readiness probes and passive checks for every cluster that configures none of its own.</summary>
    public sealed class HealthDefaults(IConfiguration config) : IProxyConfigFilter
    {
        public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel)
        {
            if (cluster.HealthCheck is not null) return ValueTask.FromResult(cluster);
            return ValueTask.FromResult(cluster with
            {
                HealthCheck = new HealthCheckConfig
                {
                    Active = new ActiveHealthCheckConfig
                    {
                        Enabled = true,
                        Interval = config.GetValue("Gateway:HealthCheckInterval", TimeSpan.FromSeconds(2)),
                        Timeout = config.GetValue("Gateway:HealthCheckTimeout", TimeSpan.FromSeconds(2)),
                        Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                        Path = "/health/ready",
                    },
                    Passive = new PassiveHealthCheckConfig
                    {
                        Enabled = true,
                        Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                        ReactivationPeriod = ReactivationPeriod(config),
                    },
                    AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
                },
                // One failed probe is enough to stop sending to an instance (the default waits for two).
                Metadata = new Dictionary<string, string>(cluster.Metadata ?? new Dictionary<string, string>())
                {
                    ["ConsecutiveFailuresHealthPolicy.Threshold"] = config.GetValue("Gateway:UnhealthyAfterFailures", 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            });
        }

        public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel) =>
            ValueTask.FromResult(route);
    }

    /// <summary>Whether sending this request a second time cannot do anything twice.</summary>
    public static bool Replayable(HttpRequest request)
    {
        var method = request.Method;
        var safeOrIdempotent = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        var keyed = HttpMethods.IsPost(method) && !string.IsNullOrWhiteSpace(request.Headers["Idempotency-Key"]);
        return (safeOrIdempotent || keyed) && Resendable(request);
    }

    /// <summary>
    /// Whether the body can be kept to be sent again: none, or a small one (of known length up to ReplayableBodyBytes, or a
    /// JSON call sent chunked: the services take none larger than a few megabytes). An upload of a report is sent once.
    /// </summary>
    public static bool Resendable(HttpRequest request)
    {
        if (request.ContentLength is { } length) return length <= ReplayableBodyBytes;
        return !Chunked(request) || request.HasJsonContentType();
    }

    /// <summary>
    /// Whether the failure shows the instance never received the request: no connection to it could be opened. (A pooled
    /// connection the instance closed before answering is retried by the HTTP client itself, on a new connection, and ends
    /// here when that one cannot be opened.)
    /// </summary>
    public static bool NeverReached(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }) return true;
        return false;
    }

    static bool Chunked(HttpRequest request) =>
        request.Headers.TransferEncoding.Any(e => e?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The proxy's pipeline step before load balancing: another instance for a request that reached none.</summary>
    public static async Task Failover(HttpContext context, Func<Task> next)
    {
        if (!Resendable(context.Request))
        {
            await next();
            return;
        }
        var replayable = Replayable(context.Request);
        if (context.Request.ContentLength > 0 || Chunked(context.Request))
            context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: 8 * ReplayableBodyBytes);
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        var tried = new HashSet<DestinationState>();
        while (true)
        {
            await next();
            var error = context.GetForwarderErrorFeature();
            if (error is null || error.Error != ForwarderError.Request || context.Response.HasStarted || proxy.ProxiedDestination is null) return;
            if (!replayable && !NeverReached(error.Exception)) return;
            tried.Add(proxy.ProxiedDestination);
            // Another that looks well; failing that, any other (one that a probe has not yet seen come back, say).
            var left = candidates.Where(d => !tried.Contains(d)).ToList();
            if (left.Count == 0) left = [.. proxy.AllDestinations.Where(d => !tried.Contains(d))];
            if (left.Count == 0) return;
            proxy.AvailableDestinations = left;
            proxy.ProxiedDestination = null;
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
        }
    }
}
