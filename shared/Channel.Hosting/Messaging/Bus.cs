using System.Reflection;
using MassTransit;

namespace Channel.Hosting.Messaging;

public static class Bus
{
    /// <summary>
    /// MassTransit over RabbitMQ: every endpoint name carries the service's prefix (so two services
    /// consuming one event each get their own queue), queues are quorum queues, a failing message is
    /// retried in process with exponential backoff and then moved to its <c>_error</c> queue.
    /// </summary>
    public static IServiceCollection AddChannelBus(this IServiceCollection services, IConfiguration config,
        string serviceName, Assembly consumers, Action<IBusRegistrationConfigurator>? extra = null)
    {
        var uri = config["RabbitMq:Uri"] ?? "amqp://guest:guest@127.0.0.1:5672/";
        var prefix = config["RabbitMq:QueuePrefix"] ?? serviceName;
        var retries = config.GetValue("RabbitMq:RetryLimit", 5);
        var firstRetry = config.GetValue("RabbitMq:RetryMinDelay", TimeSpan.FromMilliseconds(200));
        services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix, false));
            x.AddConsumers(consumers);
            extra?.Invoke(x);
            x.AddConfigureEndpointsCallback((_, cfg) =>
            {
                if (cfg is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
                cfg.UseMessageRetry(r => r.Exponential(retries, firstRetry, TimeSpan.FromSeconds(10), firstRetry));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
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
