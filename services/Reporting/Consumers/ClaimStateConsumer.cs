using Channel.Contracts.Pricing;
using Channel.Messaging;
using Dapper;
using MassTransit;

namespace Channel.Reporting.Consumers;

/// <summary>
/// Every claim at its latest version, and each line's latest decision (a line keeps the version of the claim event
/// that last decided it): credits, disputes and overrides for the pricing report, whatever order events arrive in.
/// </summary>
public sealed class ClaimStateConsumer(Inbox<ClaimStateConsumer> inbox) : IConsumer<IClaimEvent>
{
    const string Upsert = """
        insert into claims (id, claim_number, distributor_id, status, currency, received_at, line_count, accepted_lines, adjusted_lines,
            rejected_lines, pending_lines, disputed_lines, claimed_amount, accepted_credit, override_credit, credit_memo, settled_at, version)
        values (@ClaimId, @ClaimNumber, @DistributorId, @Status, @Currency, @ReceivedAt, @LineCount, @AcceptedLines, @AdjustedLines,
            @RejectedLines, @PendingLines, @DisputedLines, @ClaimedAmount, @AcceptedCredit, @OverrideCredit, @CreditMemo, @SettledAt, @Version)
        on conflict (id) do update set status = excluded.status, accepted_lines = excluded.accepted_lines, adjusted_lines = excluded.adjusted_lines,
            rejected_lines = excluded.rejected_lines, pending_lines = excluded.pending_lines, disputed_lines = excluded.disputed_lines,
            accepted_credit = excluded.accepted_credit, override_credit = excluded.override_credit, credit_memo = excluded.credit_memo,
            settled_at = excluded.settled_at, version = excluded.version
        where claims.version < excluded.version
        """;

    const string UpsertLines = """
        insert into claim_lines (claim_id, line_no, authorization_id, deal_id, status, reason, credit, version)
        select @ClaimId, l.line_no, l.authorization_id, l.deal_id, l.status, l.reason, l.credit, @Version
        from unnest(@LineNos::int[], @Authorizations::uuid[], @Deals::uuid[], @Statuses::text[], @Reasons::text[], @Credits::numeric[])
            as l(line_no, authorization_id, deal_id, status, reason, credit)
        on conflict (claim_id, line_no) do update set status = excluded.status, reason = excluded.reason, credit = excluded.credit, version = excluded.version
        where claim_lines.version < excluded.version
        """;

    public Task Consume(ConsumeContext<IClaimEvent> context) =>
        inbox.Once(context, async (tx, ct) =>
        {
            var (m, c) = (context.Message, context.Message.Claim);
            var conn = tx.Connection!;
            await conn.ExecuteAsync(new CommandDefinition(Upsert, new
            {
                m.ClaimId,
                c.ClaimNumber,
                c.DistributorId,
                c.Status,
                c.Currency,
                c.ReceivedAt,
                c.LineCount,
                c.AcceptedLines,
                c.AdjustedLines,
                c.RejectedLines,
                c.PendingLines,
                c.DisputedLines,
                c.ClaimedAmount,
                c.AcceptedCredit,
                c.OverrideCredit,
                c.CreditMemo,
                c.SettledAt,
                m.Version,
            }, tx, cancellationToken: ct));
            // The interface carries no lines; the two events that decide lines do (read as what they were published as).
            var lines = context.TryGetMessage<ClaimReceived>(out var received) ? received.Message.Lines
                : context.TryGetMessage<ClaimLinesDecided>(out var decided) ? decided.Message.Lines
                : [];
            if (lines.Count == 0) return;
            await conn.ExecuteAsync(new CommandDefinition(UpsertLines, new
            {
                m.ClaimId,
                m.Version,
                LineNos = lines.Select(l => l.LineNo).ToArray(),
                Authorizations = lines.Select(l => l.AuthorizationId).ToArray(),
                Deals = lines.Select(l => l.DealId).ToArray(),
                Statuses = lines.Select(l => l.Status).ToArray(),
                Reasons = lines.Select(l => l.Reason).ToArray(),
                Credits = lines.Select(l => l.Credit).ToArray(),
            }, tx, cancellationToken: ct));
        });
}
