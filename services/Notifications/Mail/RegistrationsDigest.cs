using System.Globalization;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Mail;

/// <summary>
/// The channel managers' daily digest of new deal registrations, for those who chose it instead of
/// a mail each: at <see cref="MailOptions.DigestHourUtc"/> each day, the registrations of the 24
/// hours before, in one mail. Each day's digest is composed once (a row in <c>digests</c>, taken in
/// the same transaction as the mail it owes), whatever the number of instances; a day with nothing
/// registered sends nothing. Registrations older than a week are forgotten.
/// </summary>
public sealed class RegistrationsDigest(NpgsqlDataSource db, Mails mails, MailOptions options, TimeProvider clock,
    ILogger<RegistrationsDigest> logger) : BackgroundService
{
    public const string Kind = "deal-registrations-digest";

    sealed class Registration
    {
        public Guid DealId { get; set; }
        public string Partner { get; set; } = "";
        public string Customer { get; set; } = "";
        public decimal Value { get; set; }
        public string Currency { get; set; } = "";
        public string Status { get; set; } = "";
        public DateTimeOffset RegisteredAt { get; set; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await Compose(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception e) { logger.LogWarning(e, "the registrations digest failed; trying again shortly"); }
            await Task.Delay(options.DigestCheckEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Composes the latest day's digest if nobody has; returns how many mails it owed.</summary>
    public async Task<int> Compose(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var day = now.Hour >= options.DigestHourUtc ? today : today.AddDays(-1);
        var end = new DateTimeOffset(day.ToDateTime(new TimeOnly(options.DigestHourUtc, 0)), TimeSpan.Zero);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var mine = await conn.ExecuteAsync(new CommandDefinition("insert into digests (kind, day) values (@Kind, @day) on conflict do nothing",
            new { Kind, day }, tx, cancellationToken: ct));
        if (mine == 0) return 0;
        await conn.ExecuteAsync(new CommandDefinition("delete from registrations where registered_at < @before",
            new { before = end.AddDays(-7) }, tx, cancellationToken: ct));

        var managers = await Recipients.Staff(tx, options, ct, Roles.ChannelManager, Roles.Admin);
        var daily = (await conn.QueryAsync<string>(new CommandDefinition(
            "select subject from preferences where kind = 'deal-registered' and setting = @Daily and subject = any(@subjects)",
            new { MailKinds.Daily, subjects = managers.Select(m => m.Subject).ToArray() }, tx, cancellationToken: ct))).ToHashSet();
        var readers = managers.Where(m => daily.Contains(m.Subject)).ToList();
        var registrations = (await conn.QueryAsync<Registration>(new CommandDefinition("""
            select r.deal_id, coalesce(o.name, 'a partner') as partner, r.customer, r.value, r.currency, r.status, r.registered_at
            from registrations r left join owners o on o.kind = 'partner' and o.id = r.partner_id
            where r.registered_at >= @start and r.registered_at < @end
            order by r.registered_at, r.deal_id
            """, new { start = end.AddDays(-1), end }, tx, cancellationToken: ct))).AsList();
        var owed = 0;
        if (readers.Count > 0 && registrations.Count > 0)
        {
            var dashboard = options.DashboardUrl.TrimEnd('/');
            var lines = registrations.Select(r => new
            {
                partner = r.Partner,
                customer = r.Customer,
                value = $"{r.Value.ToString("N2", CultureInfo.InvariantCulture)} {r.Currency}",
                status = r.Status.Replace('_', ' '),
                when = r.RegisteredAt.ToString("d MMM HH:mm", CultureInfo.InvariantCulture),
                url = $"{dashboard}/#/deals?deal={r.DealId}",
            }).ToList();
            var totals = registrations.GroupBy(r => r.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Sum(r => r.Value).ToString("N2", CultureInfo.InvariantCulture)} {g.Key}");
            await mails.OweTo(tx, EventIds.Of(Kind, Guid.Empty, day.DayNumber), Kind, readers, r => new
            {
                vendor = options.VendorName,
                recipient = new { name = r.Name },
                day = day.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
                count = registrations.Count,
                total = string.Join(" + ", totals),
                registrations = lines,
                url = $"{dashboard}/#/queue",
            }, ct);
            owed = readers.Count;
        }
        await tx.CommitAsync(ct);
        return owed;
    }
}
