using System.Reflection;
using Channel.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Channel.Messaging;

public static class Bus
{
    /// <summary>
    /// The broker: <c>RabbitMq:Uri</c>, and for a cluster the nodes to try in turn (<c>RabbitMq:Nodes</c>: host or host:port,
    /// comma-separated; the Uri's host is the first).
    /// </summary>
    public static (Uri Uri, string[] Nodes) Broker(IConfiguration settings) =>
        (new Uri(settings["RabbitMq:Uri"] ?? "amqp://guest:guest@127.0.0.1:5672/"),
         (settings["RabbitMq:Nodes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The data source, inbox, bus, outbox and its relay: everything a service needs to publish and consume.</summary>
    public static IServiceCollection AddChannelMessaging(this IServiceCollection services, IConfiguration config,
        string serviceName, Assembly consumers, Action<IBusRegistrationConfigurator>? extra = null)
    {
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(new DatabaseClock()));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IConfiguration>();
            return Database.CreateDataSource(settings.GetConnectionString("Db") ?? throw new InvalidOperationException("ConnectionStrings:Db is not set"),
                settings.GetValue("Database:CustomPlans", false));
        });
        services.AddSingleton(typeof(Inbox<>));
        services.AddSingleton<InboxPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxPurge>());
        services.AddSingleton<Outbox>();
        services.AddSingleton(sp =>
        {
            var options = new OutboxRelayOptions();
            sp.GetRequiredService<IConfiguration>().GetSection("Outbox").Bind(options);
            return options;
        });
        services.AddChannelBus(config, serviceName, consumers, extra);
        // Registered after the bus, so it stops before it: the batch the relay holds is confirmed (or
        // left for the next start) while the bus can still take its publishes.
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// MassTransit over RabbitMQ: every endpoint name carries the service's prefix (so two services
    /// consuming one event each get their own queue), queues are quorum queues. The process starts
    /// without waiting for the broker (the outbox keeps what it writes meanwhile, and the bus connects
    /// when the broker is back), and readiness counts a missing broker as degraded, not down. A failing
    /// message is retried in process: a database that is unreachable or restarting for a minute or two
    /// is waited out; any other failure is retried a few times with backoff; then the message goes to
    /// its <c>_error</c> queue.
    /// </summary>
    public static IServiceCollection AddChannelBus(this IServiceCollection services, IConfiguration config,
        string serviceName, Assembly consumers, Action<IBusRegistrationConfigurator>? extra = null)
    {
        var prefix = config["RabbitMq:QueuePrefix"] ?? serviceName;
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            x.ConfigureHealthCheckOptions(o =>
            {
                o.Name = "bus";
                o.MinimalFailureStatus = HealthStatus.Degraded;
                o.Tags.Add("ready");
            });
            x.AddConsumers(consumers);
            extra?.Invoke(x);
            x.AddConfigureEndpointsCallback((context, _, cfg) =>
            {
                var settings = context.GetRequiredService<IConfiguration>();
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
                // Outer: the database is away. Waited out for about two minutes (Database:OutageRetry…).
                var outageRetries = settings.GetValue("RabbitMq:OutageRetryLimit", 12);
                var outageMaxDelay = settings.GetValue("RabbitMq:OutageRetryMaxDelay", TimeSpan.FromSeconds(15));
                cfg.UseMessageRetry(r =>
                {
                    r.Handle<NpgsqlException>(e => DatabaseExceptionHandler.Classify(e) != DatabaseExceptionHandler.Failure.None);
                    r.Exponential(outageRetries, TimeSpan.FromMilliseconds(500), outageMaxDelay, TimeSpan.FromSeconds(1));
                });
                // Inner: anything else (a bug, bad data) a few times, quickly.
                var retries = settings.GetValue("RabbitMq:RetryLimit", 5);
                var firstRetry = settings.GetValue("RabbitMq:RetryMinDelay", TimeSpan.FromMilliseconds(200));
                cfg.UseMessageRetry(r =>
                {
                    r.Ignore<NpgsqlException>(e => DatabaseExceptionHandler.Classify(e) != DatabaseExceptionHandler.Failure.None);
                    r.Exponential(retries, firstRetry, TimeSpan.FromSeconds(10), firstRetry);
                });
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var (uri, nodes) = Broker(context.GetRequiredService<IConfiguration>());
                cfg.Host(uri, h =>
                {
                    h.ConnectionName($"channel-{serviceName}");
                    if (nodes.Length > 0) h.UseCluster(c => { foreach (var node in nodes) c.Node(node); });
                });
                cfg.UseConsumeFilter(typeof(CorrelationConsumeFilter<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.AddHostedService<BusStartWait>();
        return services;
    }
}

/// <summary>Carries the correlation id of a consumed message into logs and into the events it causes.</summary>
public sealed class CorrelationConsumeFilter<T>(ILogger<CorrelationConsumeFilter<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        var id = context.Headers.Get<string>(Correlation.Header) ?? context.CorrelationId?.ToString("N");
        Correlation.Current = Correlation.Sanitize(id);
        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["CorrelationId"] = Correlation.Current,
            ["MessageId"] = context.MessageId,
            ["MessageType"] = typeof(T).Name,
        }))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("correlation");
}

/// <summary>
/// Holds start-up until the bus has bound its queues (so nothing meant for this service is published
/// before it listens), but only for a while (RabbitMq:StartWait, 20 s): a broker that is away must not
/// stop a service from starting. It then starts degraded and the bus connects when the broker is back;
/// the outbox relay holds every event until all the queues are bound (<see cref="OutboxRelay"/>).
/// </summary>
sealed class BusStartWait(IBusControl bus, IConfiguration config, ILogger<BusStartWait> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        var wait = config.GetValue("RabbitMq:StartWait", TimeSpan.FromSeconds(20));
        var status = await bus.WaitForHealthStatus(BusHealthStatus.Healthy, wait);
        if (status != BusHealthStatus.Healthy)
            logger.LogWarning("the message broker is not reachable after {Wait}; starting without it (events wait in the outbox)", wait);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
