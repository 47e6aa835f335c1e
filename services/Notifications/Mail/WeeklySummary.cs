using System.Globalization;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Mail;

/// <summary>
/// Leadership's weekly pipeline summary, for those who turned it on: every Monday at
/// <see cref="MailOptions.DigestHourUtc"/>, the week before in numbers (registered, won, lost,
/// expired), the open pipeline now, and the partners with the most of it. Composed once a week
/// whatever the number of instances (a row in <c>digests</c>).
/// </summary>
public sealed class WeeklySummary(NpgsqlDataSource db, Mails mails, MailOptions options, TimeProvider clock, ILogger<WeeklySummary> logger)
    : BackgroundService
{
    public const string Kind = "weekly-summary";

    sealed class Total
    {
        public string Currency { get; set; } = "";
        public long Count { get; set; }
        public decimal Amount { get; set; }
    }

    sealed class Leader
    {
        public string Partner { get; set; } = "";
        public string Currency { get; set; } = "";
        public long Count { get; set; }
        public decimal Amount { get; set; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Compose(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) { logger.LogWarning(e, "the weekly summary failed; trying again shortly"); }
            await Task.Delay(options.DigestCheckEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Composes the latest week's summary if nobody has; returns how many mails it owed.</summary>
    public async Task<int> Compose(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        if (monday == today && now.Hour < options.DigestHourUtc) monday = monday.AddDays(-7);
        var end = new DateTimeOffset(monday.ToDateTime(new TimeOnly(options.DigestHourUtc, 0)), TimeSpan.Zero);
        var start = end.AddDays(-7);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await conn.ExecuteAsync(new CommandDefinition("insert into digests (kind, day) values (@Kind, @monday) on conflict do nothing",
            new { Kind, monday }, tx, cancellationToken: ct)) == 0) return 0;
        var leaders = await Recipients.Staff(tx, options, ct, Roles.Leadership);
        var wanted = (await conn.QueryAsync<string>(new CommandDefinition(
            "select subject from preferences where kind = @Kind and setting = 'on' and subject = any(@subjects)",
            new { Kind, subjects = leaders.Select(l => l.Subject).ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        var readers = leaders.Where(l => wanted.Contains(l.Subject)).ToList();
        if (readers.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        async Task<string> Sum(string where, string amount = "value")
        {
            var totals = (await conn.QueryAsync<Total>(new CommandDefinition(
                $"select currency, count(*) as count, sum({amount}) as amount from deals where {where} group by currency order by currency",
                new { start, end, Open = DealStatus.InPipeline.ToArray(), DealStatus.Won, DealStatus.Lost, DealStatus.Expired }, tx, cancellationToken: ct))).AsList();
            return totals.Count == 0 ? "none"
                : $"{totals.Sum(t => t.Count)} ({string.Join(" + ", totals.Select(t => $"{t.Amount.ToString("N2", CultureInfo.InvariantCulture)} {t.Currency}"))})";
        }

        var week = new
        {
            from = start.ToString("d MMMM", CultureInfo.InvariantCulture),
            to = end.AddDays(-1).ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
            registered = await Sum("submitted_at >= @start and submitted_at < @end"),
            won = await Sum("status = @Won and closed_at >= @start and closed_at < @end", "coalesce(actual_amount, value)"),
            lost = await Sum("status = @Lost and closed_at >= @start and closed_at < @end"),
            expired = await Sum("status = @Expired and closed_at >= @start and closed_at < @end"),
            open = await Sum("status = any(@Open)"),
        };
        var top = (await conn.QueryAsync<Leader>(new CommandDefinition("""
            select coalesce(o.name, 'a partner') as partner, d.currency, count(*) as count, sum(d.value) as amount
            from deals d left join owners o on o.kind = 'partner' and o.id = d.partner_id
            where d.status = any(@Open)
            group by 1, 2 order by 4 desc, 1 limit 5
            """, new { Open = DealStatus.InPipeline.ToArray() }, tx, cancellationToken: ct)))
            .Select(l => new { partner = l.Partner, count = l.Count, amount = $"{l.Amount.ToString("N2", CultureInfo.InvariantCulture)} {l.Currency}" }).ToList();
        await mails.OweTo(tx, EventIds.Of(Kind, Guid.Empty, monday.DayNumber), Kind, readers, r => new
        {
            vendor = options.VendorName,
            recipient = new { name = r.Name },
            week,
            top,
            url = $"{options.DashboardUrl.TrimEnd('/')}/#/pipeline",
        }, ct);
        await tx.CommitAsync(ct);
        return readers.Count;
    }
}
