using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Channel.Hosting.Web;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Channel.Hosting;

/// <summary>The web defaults every Channel process shares, the gateway included.</summary>
public static class ChannelWeb
{
    /// <summary>Problem details, strict JSON, logs, the request limits, and a readiness that turns away traffic while stopping.</summary>
    public static IServiceCollection AddChannelWeb(this IServiceCollection services, WebApplicationBuilder builder)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.HttpContext.Request.Headers.TryGetValue(Correlation.Header, out var id))
                c.ProblemDetails.Extensions["correlationId"] = id.ToString();
        });
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.MaxDepth = 16;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
            // ASP.NET Core writes JSON with relaxed escaping (<, >, & and ' as they are); ours escapes them, so an
            // answer that echoes a hostile name never carries markup, whatever reads it. Every other script stays readable.
            o.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 4 * 1024 * 1024;
            k.AddServerHeader = false;
        });
        services.Configure<ForwardedHeadersOptions>(o => TrustedProxies(o, builder.Configuration));
        if (!builder.Environment.IsDevelopment())
            builder.Logging.ClearProviders().AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        services.AddOpenApi(o => ApiDocument.Describe(o, builder.Configuration));
        services.AddHealthChecks().AddCheck<StoppingHealthCheck>("stopping", tags: ["ready"]);
        services.AddHostedService<Drain>();
        return services;
    }

    /// <summary>
    /// OpenTelemetry tracing and metrics, when an OTLP endpoint is configured. Without one nothing is
    /// recorded at all: spans for every request and SQL command that nobody exports cost real CPU.
    /// </summary>
    public static WebApplicationBuilder AddChannelTelemetry(this WebApplicationBuilder builder, string name)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"channel-{name}"))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddSource("MassTransit", "Yarp.ReverseProxy", "Npgsql"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Channel.Outbox", "Npgsql"))
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// X-Forwarded-For and -Proto are believed only from the proxies configuration names
    /// (ForwardedHeaders:KnownProxies, addresses; ForwardedHeaders:KnownNetworks, CIDR blocks) —
    /// none by default, not even loopback — so a client cannot choose the address it is limited by.
    /// Behind a real ingress, name it, and the limits key on the client's own address.
    /// </summary>
    static void TrustedProxies(ForwardedHeadersOptions o, IConfiguration config)
    {
        o.KnownProxies.Clear();
        o.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the older list of networks still holds loopback by default
        o.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
        foreach (var proxy in (config.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? []).Where(p => !string.IsNullOrWhiteSpace(p)))
            o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        foreach (var network in (config.GetSection("ForwardedHeaders:KnownNetworks").Get<string[]>() ?? []).Where(n => !string.IsNullOrWhiteSpace(n)))
            o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        // With no proxy named the middleware would believe anyone: then it reads no forwarded header at all.
        o.ForwardedHeaders = o.KnownProxies.Count + o.KnownIPNetworks.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
    }

    public static WebApplication UseChannelWeb(this WebApplication app)
    {
        app.UseForwardedHeaders();
        // Told to stop, the server closes each HTTP/1.1 connection after its answer, so that when it stops listening no
        // idle connection is left for a proxy to send a request into as it closes (the proxy then finds the port closed,
        // which proves the request never arrived, and sends it to another instance).
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((http, next) =>
        {
            if (stopping.IsCancellationRequested && http.Request.Protocol == "HTTP/1.1") http.Response.Headers.Connection = "close";
            return next(http);
        });
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>
    /// <c>/health/live</c>: the process answers. <c>/health/ready</c>: what it can serve — 503 when a
    /// check tagged "ready" is unhealthy, 200 with <c>Degraded</c> when one only degrades it (the
    /// broker is away, events wait in the outbox), and each check's status and description.
    /// </summary>
    public static void MapChannelHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = async (http, report) =>
            {
                http.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(http.Response.Body, new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => new
                    {
                        status = e.Value.Status.ToString(),
                        description = e.Value.Description,
                        data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                    }),
                });
            },
        }).AllowAnonymous();
    }
}

/// <summary>Not ready once the process has been told to stop (SIGTERM): a load balancer sends nothing new while in-flight work finishes.</summary>
sealed class StoppingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("stopping")
            : HealthCheckResult.Healthy());
}

/// <summary>
/// Told to stop, the process first says it is not ready and goes on serving for <c>Shutdown:Drain</c> (none unless
/// configured), long enough for a load balancer's next readiness probe to take it out; only then does the server stop
/// taking requests. A rolling restart behind the gateway (or a Kubernetes Service) then turns no request away.
/// </summary>
sealed class Drain(IConfiguration config, ILogger<Drain> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken ct)
    {
        var drain = config.GetValue("Shutdown:Drain", TimeSpan.Zero);
        if (drain <= TimeSpan.Zero) return;
        logger.LogInformation("stopping: not ready, serving for {Drain} more while the load balancer notices", drain);
        try { await Task.Delay(drain, ct); }
        catch (OperationCanceledException) { }
    }

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
