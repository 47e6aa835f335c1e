using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Channel.Hosting.Auth;
using Channel.Hosting.Data;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using MassTransit;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Polly;
using Polly.Retry;

namespace Channel.Hosting;

/// <summary>What every Channel service shares, so that a service's Program.cs is a few lines.</summary>
public static class ChannelService
{
    /// <summary>
    /// Database (one data source), migrations, MassTransit over RabbitMQ, the outbox and its relay,
    /// the inbox, JWT auth and policies, problem details, health, logs, tracing and metrics.
    /// </summary>
    public static WebApplicationBuilder AddChannelService(this WebApplicationBuilder builder, string name,
        Assembly assembly, Action<IBusRegistrationConfigurator>? bus = null)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(new ServiceIdentity(name, assembly));
        services.AddChannelMessaging(config, name, assembly, bus);
        services.AddSingleton<ErrorQueues>();

        services.AddChannelAuth(config);
        services.AddChannelWeb(builder);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.AddChannelTelemetry(name);
        return builder;
    }

    /// <summary>Problem details, strict JSON, logs and the request limits that every HTTP host shares.</summary>
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
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = builder.Configuration.GetValue<long?>("Limits:MaxRequestBodyBytes") ?? 4 * 1024 * 1024);
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        if (!builder.Environment.IsDevelopment())
            builder.Logging.ClearProviders().AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        services.AddOpenApi();
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
                .AddSource("MassTransit")
                .AddSource("Yarp.ReverseProxy")
                .AddNpgsql())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Channel.Outbox", "Npgsql"))
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Middleware and the endpoints every service has: health, OpenAPI under its own prefix.</summary>
    public static RouteGroupBuilder UseChannelService(this WebApplication app, string prefix)
    {
        app.UseChannelWeb();
        app.UseAuthentication();
        app.UseAuthorization();
        var identity = app.Services.GetRequiredService<ServiceIdentity>();
        app.MapOpenApi($"{prefix}/openapi/{{documentName}}.json").AllowAnonymous();
        app.MapChannelHealth();
        var api = app.MapGroup(prefix).WithTags(identity.Name);
        ErrorQueues.Map(api);
        return api;
    }

    public static WebApplication UseChannelWeb(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<CorrelationMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

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
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                });
            },
        }).AllowAnonymous();
    }

    /// <summary>
    /// <c>migrate</c> runs the migrations and exits; otherwise migrate (under an advisory lock, so
    /// several instances may start at once) and serve.
    /// </summary>
    public static async Task<int> RunChannelService(this WebApplication app, string[] args)
    {
        var identity = app.Services.GetRequiredService<ServiceIdentity>();
        var cs = app.Configuration.GetConnectionString("Db")!;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Channel.Migrations");
        await MigrateUnderLock(cs, identity.Assembly, logger);
        if (args.Contains("migrate")) return 0;
        await app.RunAsync();
        return 0;
    }

    public static async Task MigrateUnderLock(string connectionString, Assembly assembly, ILogger logger)
    {
        // The database may still be starting, or another instance may be creating it right now.
        var retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>().Handle<InvalidOperationException>(),
                MaxRetryAttempts = 30,
                Delay = TimeSpan.FromMilliseconds(500),
                BackoffType = DelayBackoffType.Exponential,
                MaxDelay = TimeSpan.FromSeconds(3),
                UseJitter = true,
                OnRetry = a =>
                {
                    logger.LogWarning("migration attempt {Attempt} failed: {Error}", a.AttemptNumber + 1, a.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        await retry.ExecuteAsync(_ =>
        {
            Database.Migrate(connectionString, assembly, logger);
            return ValueTask.CompletedTask;
        });
    }
}

public sealed record ServiceIdentity(string Name, Assembly Assembly);

sealed class DatabaseHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var cmd = db.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
