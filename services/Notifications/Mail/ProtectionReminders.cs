using System.Globalization;
using Channel.Contracts.Deals;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Mail;

/// <summary>
/// Reminds a partner's users that an approved deal's protection is ending: once when 14 days or
/// fewer are left, once more at 3 days (a deal approved with less than 14 days left gets only the
/// reminder its time calls for). An extension moves the end, and the reminders start again for the
/// new end. Each reminder is taken once (a row in <c>reminders</c>, in the transaction that owes the
/// mail), so several instances and every look at the clock send it once.
/// </summary>
public sealed class ProtectionReminders(NpgsqlDataSource db, Mails mails, MailOptions options, TimeProvider clock,
    ILogger<ProtectionReminders> logger) : BackgroundService
{
    public const string Kind = "deal-protection-ending";
    static readonly int[] Thresholds = [14, 3];

    sealed class Ending
    {
        public Guid Id { get; set; }
        public Guid PartnerId { get; set; }
        public string Customer { get; set; } = "";
        public decimal Value { get; set; }
        public string Currency { get; set; } = "";
        public DateTimeOffset ProtectionEndsAt { get; set; }
        public int Days { get; set; }
    }

    // The tightest threshold a deal has reached and not yet been reminded of.
    const string Due = $"""
        select d.id, d.partner_id, d.customer, d.value, d.currency, d.protection_ends_at, t.days
        from deals d
        cross join lateral (select min(x) as days from unnest(@Thresholds::int[]) x where d.protection_ends_at <= @now + make_interval(days => x)) t
        where d.status = '{DealStatus.Approved}' and d.protection_ends_at > @now and t.days is not null
          and not exists (select 1 from reminders r where r.deal_id = d.id and r.ends_at = d.protection_ends_at and r.days = t.days)
        order by d.protection_ends_at
        limit 200
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { while (await Remind(stoppingToken) > 0) { } }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) { logger.LogWarning(e, "the protection reminders failed; trying again shortly"); }
            await Task.Delay(options.DigestCheckEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Owes the reminders now due; returns how many deals it reminded of.</summary>
    public async Task<int> Remind(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = (await conn.QueryAsync<Ending>(new CommandDefinition(Due, new { Thresholds, now }, tx, cancellationToken: ct))).AsList();
        var reminded = 0;
        foreach (var d in due)
        {
            // Taking the reminder also takes the wider ones it makes pointless (a 3-day reminder means no 14-day one).
            var taken = await conn.ExecuteAsync(new CommandDefinition("""
                insert into reminders (deal_id, ends_at, days) select @Id, @ProtectionEndsAt, x from unnest(@Thresholds::int[]) x where x >= @Days
                on conflict do nothing
                """, new { d.Id, d.ProtectionEndsAt, Thresholds, d.Days }, tx, cancellationToken: ct));
            if (taken == 0) continue;
            var left = Math.Max(1, (int)Math.Ceiling((d.ProtectionEndsAt - now).TotalDays));
            var deal = new
            {
                customer = d.Customer,
                value = $"{d.Value.ToString("N2", CultureInfo.InvariantCulture)} {d.Currency}",
                protection_ends = d.ProtectionEndsAt.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
                days_left = left,
                url = $"{options.DashboardUrl.TrimEnd('/')}/#/deals?deal={d.Id}",
            };
            var eventId = EventIds.Of($"protection-ending {d.Days} {d.ProtectionEndsAt.UtcTicks}", d.Id, 0);
            await mails.Owe(tx, eventId, Kind, await Recipients.Of(tx, Recipients.Partner, d.PartnerId, ct),
                r => new { vendor = options.VendorName, recipient = new { name = r.Name }, deal }, ct);
            reminded++;
        }
        await tx.CommitAsync(ct);
        return reminded;
    }
}
