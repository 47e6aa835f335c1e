using Channel.Contracts.Distributors;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Pricing.Consumers;

/// <summary>Pricing's copy of the distributors (name and status, highest version wins): only an active distributor claims.</summary>
public sealed class DistributorStateConsumer(Inbox<DistributorStateConsumer> inbox) : IConsumer<IDistributorEvent>
{
    const string Upsert = """
        insert into distributors (id, name, status, version) values (@DistributorId, @Name, @Status, @Version)
        on conflict (id) do update set name = excluded.name, status = excluded.status, version = excluded.version
        where distributors.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IDistributorEvent> context) =>
        inbox.Once(context, (tx, ct) =>
        {
            var (m, d) = (context.Message, context.Message.Distributor);
            return tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert, new { m.DistributorId, d.Name, d.Status, m.Version }, tx, cancellationToken: ct));
        });
}
