using System.Reflection;
using Channel.Hosting.Auth;
using MassTransit;
using Microsoft.AspNetCore.Routing;
using RabbitMQ.Client;

namespace Channel.Messaging;

/// <summary>
/// What an operator needs after a consumer gave up on messages: how many sit in each of this
/// service's <c>_error</c> queues, and moving them back to their queue once the cause is fixed.
/// Each message is re-published with its properties (its message id too, so the inbox still
/// recognises one that had in fact been handled) and acknowledged only after the broker confirmed
/// the copy.
/// </summary>
public sealed class ErrorQueues(IConfiguration config, IEndpointNameFormatter names, ServiceIdentity service)
{
    public sealed record ErrorQueue(string Queue, string ErrorQueueName, long Messages);

    /// <summary>This service's receive queues: one per consumer, named as MassTransit names them.</summary>
    public IReadOnlyList<string> Queues() =>
        [.. service.Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)))
            .Select(t => (string)typeof(IEndpointNameFormatter).GetMethod(nameof(IEndpointNameFormatter.Consumer))!
                .MakeGenericMethod(t).Invoke(names, null)!)
            .Order(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<ErrorQueue>> List(CancellationToken ct)
    {
        await using var connection = await Connect(ct);
        var result = new List<ErrorQueue>();
        foreach (var queue in Queues())
        {
            await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
            long count = 0;
            try { count = (await channel.QueueDeclarePassiveAsync($"{queue}_error", ct)).MessageCount; }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException) { } // no error queue yet: nothing failed
            result.Add(new ErrorQueue(queue, $"{queue}_error", count));
        }
        return result;
    }

    /// <summary>Moves up to <paramref name="max"/> messages from the queue's _error queue back to it; returns how many.</summary>
    public async Task<int> Requeue(string queue, int max, CancellationToken ct)
    {
        await using var connection = await Connect(ct);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        var moved = 0;
        while (moved < max)
        {
            var message = await channel.BasicGetAsync($"{queue}_error", autoAck: false, ct);
            if (message is null) break;
            var properties = new BasicProperties(message.BasicProperties);
            await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }
        return moved;
    }

    /// <summary>To the broker the bus uses: the Uri's node first, then each of <c>RabbitMq:Nodes</c> of a cluster (any that answers).</summary>
    Task<IConnection> Connect(CancellationToken ct)
    {
        var (uri, nodes) = Bus.Broker(config);
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = $"channel-{service.Name}-errors" };
        return factory.CreateConnectionAsync(
            [factory.Endpoint, .. nodes.Select(node => AmqpTcpEndpoint.Parse(node.Contains(':') ? node : $"{node}:{factory.Port}"))], ct);
    }

    /// <summary>GET {prefix}/admin/errors and POST {prefix}/admin/errors/{queue}/requeue, for admins.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/errors").RequireAuthorization(Policies.Admin).WithTags("operations");
        admin.MapGet("/", async (ErrorQueues errors, CancellationToken ct) => TypedResults.Ok(await errors.List(ct)))
            .WithSummary("This service's _error queues and how many messages wait in each");
        admin.MapPost("/{queue}/requeue", async (string queue, ErrorQueues errors, CancellationToken ct, int? max) =>
        {
            if (!errors.Queues().Contains(queue))
                return Results.Problem(statusCode: 404, title: "No such queue.", detail: $"{queue} is not one of this service's queues.");
            if (max is < 1 or > 1_000_000)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["max"] = ["must be between 1 and 1000000"] });
            return Results.Ok(new { queue, moved = await errors.Requeue(queue, max ?? 10_000, ct) });
        }).WithSummary("Move the messages of a queue's _error queue back to it");
    }
}
