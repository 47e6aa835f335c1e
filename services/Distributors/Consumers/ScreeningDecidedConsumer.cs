using Channel.Contracts.Compliance;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Distributors.Consumers;

/// <summary>
/// The Compliance service's decisions: on a distributor (a hold suspends it until compliance clears it), and on accepted
/// sell-through lines ("{report id}:{line number}": a line it holds or refuses is flagged, one it clears is not). An
/// older decision arriving late changes nothing.
/// </summary>
public sealed class ScreeningDecidedConsumer(Inbox<ScreeningDecidedConsumer> inbox, Distributors distributors, TimeProvider clock)
    : IConsumer<ScreeningDecided>
{
    const string Flag = """
        update report_lines set compliance_flag = @Flag, compliance_reason = @Reason, flag_sequence = @Sequence
        where report_id = @ReportId and line_number = @Line and flag_sequence < @Sequence
        """;

    public Task Consume(ConsumeContext<ScreeningDecided> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var m = context.Message;
            if (m.SubjectKind == ScreeningSubject.Distributor && Guid.TryParse(m.SubjectId, out var distributorId))
            {
                if (await Distributors.Lock(tx, distributorId, ct) is { } distributor)
                    await distributors.Screened(tx, distributor, m.Outcome, m.Reason, m.Sequence, clock.GetUtcNow(), ct);
                return;
            }
            if (m.SubjectKind != ScreeningSubject.Sale || m.SubjectId.Split(':') is not [var report, var line]
                || !Guid.TryParse(report, out var reportId) || !int.TryParse(line, out var number))
                return;
            var flag = m.Outcome == ScreeningOutcome.Clear ? null : m.Outcome;
            await tx.Connection!.ExecuteAsync(new CommandDefinition(Flag,
                new { Flag = flag, Reason = flag is null ? null : m.Reason, m.Sequence, ReportId = reportId, Line = number }, tx, cancellationToken: ct));
        });
}
