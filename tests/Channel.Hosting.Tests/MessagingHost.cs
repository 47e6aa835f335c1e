using System.Diagnostics;
using Channel.Messaging;
using Channel.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Channel.Hosting.Tests;

/// <summary>A test event; it lives in a namespace, as every MassTransit message must.</summary>
public sealed record SomethingHappened
{
    public required Guid Id { get; init; }
    public required int Sequence { get; init; }
    public string? Padding { get; init; }
}

/// <summary>
/// The consumer under test: it logs every raw delivery (outside the inbox) and applies its effect
/// through the inbox, so a test can tell duplicates delivered from duplicates applied.
/// </summary>
public sealed class SomethingHappenedConsumer(Inbox<SomethingHappenedConsumer> inbox, NpgsqlDataSource db) : IConsumer<SomethingHappened>
{
    public async Task Consume(ConsumeContext<SomethingHappened> context)
    {
        await using (var conn = await db.OpenConnectionAsync(context.CancellationToken))
            await conn.ExecuteAsync("insert into deliveries (message_id, event_id) values (@MessageId, @Id)",
                new { context.MessageId, context.Message.Id });
        await inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(
            "insert into effects (event_id, message_id) values (@Id, @MessageId)",
            new { context.Message.Id, context.MessageId }, tx, cancellationToken: ct)));
        // Done with this delivery, applied or turned away: what a test waits for before it counts effects.
        await using (var conn = await db.OpenConnectionAsync(context.CancellationToken))
            await conn.ExecuteAsync("insert into handled (message_id) values (@MessageId)", new { context.MessageId });
    }
}

/// <summary>A second reader of the same event in the same service: it must get every message too.</summary>
public sealed class SomethingHappenedAuditor(Inbox<SomethingHappenedAuditor> inbox) : IConsumer<SomethingHappened>
{
    public Task Consume(ConsumeContext<SomethingHappened> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(
            "insert into audits (event_id, message_id) values (@Id, @MessageId)", new { context.Message.Id, context.MessageId }, tx, cancellationToken: ct)));
}

/// <summary>An event no service consumes: no queue is bound to it, so the broker gives every publish of it back.</summary>
public sealed record NobodyListens
{
    public required Guid Id { get; init; }
}

/// <summary>A process's worth of messaging: data source, outbox relay, inbox, bus and the test consumer.</summary>
public sealed class MessagingHost : IAsyncDisposable
{
    public IHost Host { get; }
    public IServiceProvider Services => Host.Services;

    MessagingHost(IHost host) => Host = host;

    public static async Task<MessagingHost> Start(TestDatabase db, string brokerUri, IDictionary<string, string?>? settings = null,
        string? connectionString = null)
    {
        await ChannelService.MigrateUnderLock(db.ConnectionString, typeof(MessagingHost).Assembly,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using (var conn = await db.Open())
            await conn.ExecuteAsync("""
                create table if not exists deliveries (message_id uuid not null, event_id uuid not null);
                create table if not exists effects (event_id uuid not null, message_id uuid not null);
                create table if not exists handled (message_id uuid not null);
                create table if not exists audits (event_id uuid not null, message_id uuid not null);
                """);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Db"] = connectionString ?? db.ConnectionString,
            ["RabbitMq:Uri"] = brokerUri,
            ["RabbitMq:RetryLimit"] = "1",
            ["RabbitMq:RetryMinDelay"] = "00:00:00.050",
            ["Outbox:PublishTimeout"] = "00:00:05",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddChannelMessaging(builder.Configuration, "hostingtest", typeof(MessagingHost).Assembly);
        var host = builder.Build();
        await host.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return new MessagingHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(30));
        Host.Dispose();
    }
}

