using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>The distributors the reports name, from every distributor event (highest version wins).</summary>
public sealed class DistributorStateConsumer(Inbox<DistributorStateConsumer> inbox) : IConsumer<IDistributorEvent>
{
    const string Upsert = """
        insert into distributors (id, name, version) values (@DistributorId, @Name, @Version)
        on conflict (id) do update set name = excluded.name, version = excluded.version where distributors.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IDistributorEvent> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
            new { context.Message.DistributorId, context.Message.Distributor.Name, context.Message.Version }, tx, cancellationToken: ct)));
}
