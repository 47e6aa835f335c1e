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
/// services answer a repeated key with the first answer). Its body, if any, is kept to be sent again (small ones only).
/// </para>
/// </summary>
public static class Instances
{
    /// <summary>Largest request body of known length kept for a second attempt; a larger request is sent once.</summary>
    public const long ReplayableBodyBytes = 1024 * 1024;

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
                        ReactivationPeriod = config.GetValue("Gateway:ReactivationPeriod", TimeSpan.FromSeconds(10)),
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
        if (!safeOrIdempotent && !keyed) return false;
        // A body is kept to be sent again only when it is small: one of known length up to ReplayableBodyBytes, or a JSON
        // call sent chunked (the services take none larger than a few megabytes). An upload of a report is sent once.
        if (request.ContentLength is { } length) return length <= ReplayableBodyBytes;
        return !Chunked(request) || request.HasJsonContentType();
    }

    static bool Chunked(HttpRequest request) =>
        request.Headers.TransferEncoding.Any(e => e?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The proxy's pipeline step before load balancing: another instance for a request that reached none.</summary>
    public static async Task Failover(HttpContext context, Func<Task> next)
    {
        if (!Replayable(context.Request))
        {
            await next();
            return;
        }
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
            tried.Add(proxy.ProxiedDestination);
            var left = candidates.Where(d => !tried.Contains(d)).ToList();
            if (left.Count == 0) return;
            proxy.AvailableDestinations = left;
            proxy.ProxiedDestination = null;
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.StatusCode = StatusCodes.Status200OK;
            if (context.Request.Body.CanSeek) context.Request.Body.Position = 0;
        }
    }
}
