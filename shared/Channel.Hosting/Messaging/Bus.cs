using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Channel.Hosting.Messaging;

public static class Bus
{
    /// <summary>
    /// MassTransit over RabbitMQ: every endpoint name carries the service's prefix (so two services
    /// consuming one event each get their own queue), queues are quorum queues, a failing message is
    /// retried in process with exponential backoff and then moved to its <c>_error</c> queue.
    /// </summary>
    /// <summary>The data source, outbox and relay, inbox and bus: everything a service needs to publish and consume.</summary>
    public static IServiceCollection AddChannelMessaging(this IServiceCollection services, IConfiguration config,
        string serviceName, Assembly consumers, Action<IBusRegistrationConfigurator>? extra = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IConfiguration>();
            return Data.Database.CreateDataSource(settings.GetConnectionString("Db") ?? throw new InvalidOperationException("ConnectionStrings:Db is not set"),
                settings.GetValue("Database:CustomPlans", false));
        });
        services.AddSingleton<Outbox>();
        services.AddSingleton<Inbox>();
        services.AddSingleton<InboxPurge>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxPurge>());
        services.AddSingleton(sp =>
        {
            var options = new OutboxRelayOptions();
            sp.GetRequiredService<IConfiguration>().GetSection("Outbox").Bind(options);
            return options;
        });
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return services.AddChannelBus(config, serviceName, consumers, extra);
    }

    public static IServiceCollection AddChannelBus(this IServiceCollection services, IConfiguration config,
        string serviceName, Assembly consumers, Action<IBusRegistrationConfigurator>? extra = null)
    {
        var prefix = config["RabbitMq:QueuePrefix"] ?? serviceName;
        // Start only once every receive endpoint is bound, so nothing published after start-up is dropped.
        services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            x.AddConsumers(consumers);
            extra?.Invoke(x);
            x.AddConfigureEndpointsCallback((context, _, cfg) =>
            {
                var settings = context.GetRequiredService<IConfiguration>();
                var retries = settings.GetValue("RabbitMq:RetryLimit", 5);
                var firstRetry = settings.GetValue("RabbitMq:RetryMinDelay", TimeSpan.FromMilliseconds(200));
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
                cfg.UseMessageRetry(r => r.Exponential(retries, firstRetry, TimeSpan.FromSeconds(10), firstRetry));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var uri = context.GetRequiredService<IConfiguration>()["RabbitMq:Uri"] ?? "amqp://guest:guest@127.0.0.1:5672/";
                cfg.Host(new Uri(uri), h => h.ConnectionName($"channel-{serviceName}"));
                cfg.UseConsumeFilter(typeof(CorrelationConsumeFilter<>), context);
                cfg.ConfigureEndpoints(context);
            });
        });
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
