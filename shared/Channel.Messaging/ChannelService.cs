using System.Reflection;
using Channel.Hosting;
using Channel.Hosting.Auth;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Channel.Messaging;

/// <summary>What every Channel service shares, so that a service's Program.cs is a few lines.</summary>
public static class ChannelService
{
    /// <summary>
    /// The web defaults (auth, problems, correlation, health, telemetry), the database (one data
    /// source) and its migrations, MassTransit over RabbitMQ, the outbox and its relay, the inbox,
    /// idempotency keys, and the operators' endpoints.
    /// </summary>
    public static WebApplicationBuilder AddChannelService(this WebApplicationBuilder builder, string name,
        Assembly assembly, Action<IBusRegistrationConfigurator>? bus = null)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(new ServiceIdentity(name, assembly));
        // Before the web defaults' handler for bad requests: a database error is never the client's fault.
        services.AddExceptionHandler<DatabaseExceptionHandler>();
        services.AddChannelWeb(builder);
        services.AddChannelAuth(config);
        services.AddChannelMessaging(config, name, assembly, bus);
        services.AddSingleton<ErrorQueues>();
        services.AddSingleton<Idempotency>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.AddChannelTelemetry(name);
        // Long enough for the relay's batch in flight and the requests in flight to finish on SIGTERM.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = config.GetValue("ShutdownTimeout", TimeSpan.FromSeconds(45)));
        return builder;
    }

    /// <summary>Middleware and the endpoints every service has: health, OpenAPI under its own prefix, the operators' endpoints.</summary>
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
        OutboxAdmin.Map(api);
        return api;
    }

    /// <summary>
    /// <c>migrate</c> runs the migrations and exits; otherwise migrate (under an advisory lock, so
    /// several instances may start at once; not when <c>Database:MigrateOnStart</c> is false) and serve.
    /// </summary>
    public static async Task<int> RunChannelService(this WebApplication app, string[] args)
    {
        var identity = app.Services.GetRequiredService<ServiceIdentity>();
        var cs = app.Configuration.GetConnectionString("Db")!;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Channel.Migrations");
        // Where a step of its own migrates first (a Kubernetes init container running `migrate`), the service need not.
        if (args.Contains("migrate") || app.Configuration.GetValue("Database:MigrateOnStart", true))
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

/// <summary>
/// Degraded (still serving) when events wait in the outbox longer than Outbox:DegradedAfter (the
/// broker is away or slow) or some were set aside as dead letters; the age is also a metric.
/// </summary>
sealed class OutboxHealthCheck(NpgsqlDataSource db, OutboxRelayOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        OutboxAdmin.Summary summary;
        try { summary = await OutboxAdmin.Summarise(db, ct); }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Degraded("the outbox cannot be read", e);
        }
        var data = new Dictionary<string, object> { ["waiting"] = summary.Waiting, ["oldestAgeSeconds"] = summary.OldestAgeSeconds, ["deadLetters"] = summary.DeadLetters };
        if (summary.DeadLetters > 0)
            return HealthCheckResult.Degraded($"{summary.DeadLetters} events were set aside as dead letters (GET …/admin/outbox/dead-letters)", data: data);
        if (summary.OldestAgeSeconds > options.DegradedAfter.TotalSeconds)
            return HealthCheckResult.Degraded($"the oldest event has waited {summary.OldestAgeSeconds:0} s to be published", data: data);
        return HealthCheckResult.Healthy(data: data);
    }
}
