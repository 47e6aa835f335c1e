using Channel.Contracts.Distributors;
using Channel.Hosting.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

public sealed class DistributorOnboardedConsumer(Inbox inbox) : IConsumer<DistributorOnboarded>
{
    const string Sql = """
        insert into distributors (id, name, version) values (@DistributorId, @Name, @Version)
        on conflict (id) do update set name = excluded.name, version = excluded.version where distributors.version < excluded.version
        """;

    public Task Consume(ConsumeContext<DistributorOnboarded> context) =>
        inbox.Once(context, (tx, ct) => tx.Connection!.ExecuteAsync(new CommandDefinition(Sql, context.Message, tx, cancellationToken: ct)));
}
