using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;
using Dapper;

namespace Channel.Load.Chaos;

/// <summary>What one fault did, seen from the clients and from the databases once the system settled.</summary>
public sealed record FaultResult(
    int Round, string Fault, int Requests, int ClientErrors, string ErrorCodes, double BackToCreatedSeconds, double SettledSeconds,
    bool Settled, int Lost, int Duplicated, int Wrong, int StoredWithout201, string Evidence, string Detail);

/// <summary>The whole run: every fault, and what was left in _error and _skipped queues and dead letters at the end.</summary>
public sealed record ChaosReport(List<FaultResult> Faults, int Registered, int Approved, int Reports, int Suspensions,
    Dictionary<string, long> ErrorQueues, Dictionary<string, long> DeadLetters, bool FinallySettled, Ledger.State Final, int Unanswered);

/// <summary>
/// Fault injection under a steady registration load, with sell-through uploads and partner
/// suspensions going on beside it, against two instances of Deals. Each round, in turn: the broker
/// is killed and restarted; the broker is away longer than a service's start-up wait and Deals is
/// restarted during it; a service is SIGKILLed and one SIGTERMed (each restarted); PostgreSQL is
/// restarted, and then away for a minute (by default); the outbox relay's process is killed
/// mid-batch, and once more after the broker confirmed a batch and before the rows were deleted (the
/// duplicate window); a poison row is put in an outbox. After each fault the run waits for the
/// system to settle and checks the ledger row by row: nothing lost, nothing duplicated, nothing wrong.
/// </summary>
public static class ChaosRun
{
    /// <summary>The processes a "service killed" or "service stopped" fault takes down, in turn.</summary>
    static readonly string[] Victims = ["Compliance", "Deals", "Reporting", "Gateway", "Partners", "Distributors"];

    public static async Task<ChaosReport> Run(int rounds, int concurrency, double perSecond, TextWriter output, TimeSpan? settleTimeout = null,
        TimeSpan? databaseOutage = null, bool cluster = false)
    {
        var patience = settleTimeout ?? TimeSpan.FromSeconds(150);
        var outage = databaseOutage ?? TimeSpan.FromSeconds(60);
        await using var system = await ChaosSystem.Start(cluster);
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(system.Gateway),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var all = await Onboarding.Partners(http, Tokens.For("channel-manager"), 12);
        var (partners, suspendable) = (all.Take(10).ToList(), all.Skip(10).ToList());
        await WaitUntil(async () => await system.Count("Deals", "select count(*) from partners where status = 'active'") == all.Count
                                    && await system.Count("Distributors", "select count(*) from partners where status = 'active'") == all.Count,
            TimeSpan.FromSeconds(60), "Deals and Distributors to learn of the partners");
        var load = new RegistrationLoad(http, partners, p => Tokens.For("partner", p), Tokens.For("channel-manager"));
        var side = await SideLoad.Start(http, load, partners, suspendable);
        var ledger = new Ledger(system, load, side);

        output.WriteLine($"chaos: {rounds} round(s); {concurrency} clients registering {perSecond:N0} deals/s through {system.Gateway} " +
                         (cluster ? $"to two instances of every service on a {ChaosSystem.BrokerNodes.Length}-node RabbitMQ cluster (quorum queues)"
                                  : "to two instances of Deals") +
                         "; a distributor uploading a report every 1.5 s; a partner suspended and reinstated every 8 s");
        output.WriteLine();
        output.WriteLine("| round | fault | requests | client errors | back to 201s | settled | lost | duplicated | wrong | stored without a 201 | evidence |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        var results = new List<FaultResult>();
        using var stop = new CancellationTokenSource();
        var traffic = Task.WhenAll(load.Run(concurrency, stop.Token, perSecond), side.Run(stop.Token));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (_, before) = await ledger.Settle(patience);
            for (var round = 1; round <= rounds; round++)
            {
                var victim = Victims[(round - 1) % Victims.Length];
                var stopped = Victims[round % Victims.Length];
                var faults = cluster
                    ? new (string, Func<Task<string>>)[]
                    {
                        ("the RabbitMQ node leading the most queues SIGKILLed and restarted", () => KillLeadingNode(system)),
                        ("one of two instances of each service SIGKILLed in turn and restarted", () => KillOneInstanceOfEach(system)),
                        ("rolling restart of every service instance (SIGTERM), one at a time", () => RollingRestart(system)),
                    }
                    : new (string, Func<Task<string>>)[]
                {
                    ("broker killed (SIGKILL) and restarted", () => KillBroker(system)),
                    ("broker away longer than start-up's wait; Deals restarted during it", () => BrokerAwayWhileDealsRestarts(system, load)),
                    ($"{victim} SIGKILLed and restarted", () => KillService(system, victim)),
                    ($"{stopped} stopped (SIGTERM) under load and restarted", () => StopService(system, stopped)),
                    ("PostgreSQL restarted (immediate stop)", () => RestartPostgres(system)),
                    ($"PostgreSQL away for {outage.TotalSeconds:0} s", () => PostgresAway(system, outage)),
                    ("outbox relay's process (Deals) SIGKILLed mid-batch", () => KillRelayMidBatch(system)),
                    ("relay killed after the broker confirmed, before the delete", () => KillRelayBeforeDelete(system)),
                    ("a poison row in the Deals outbox", () => PoisonRow(system, http)),
                };
                foreach (var (name, inject) in faults)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1)); // steady load before the fault
                    var injectedAt = load.Clock.Elapsed.TotalMilliseconds;
                    var evidence = await inject();
                    var (settled, after) = await ledger.Settle(patience);
                    var settledAt = load.Clock.Elapsed.TotalMilliseconds;
                    var result = Describe(round, name, load, injectedAt, settledAt, settled, before, after, evidence);
                    results.Add(result);
                    before = after;
                    output.WriteLine($"| {round} | {name} | {result.Requests} | {result.ClientErrors}{(result.ErrorCodes.Length > 0 ? $" ({result.ErrorCodes})" : "")} " +
                        $"| {result.BackToCreatedSeconds:F1} s | {(settled ? $"{result.SettledSeconds:F1} s" : $"NOT settled: {after.Detail}")} | {result.Lost} " +
                        $"| {result.Duplicated} | {result.Wrong} | {result.StoredWithout201} | {evidence} |");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
        }
        var (finallySettled, last) = await ledger.Settle(patience, TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the management API's queue counts lag a second behind
        var errors = await system.ErrorQueues();
        var dead = await system.DeadLetters();
        if (rounds > 1) Summarise(results, output);
        output.WriteLine();
        output.WriteLine($"registered {load.Registered.Count:N0} deals (201) and approved {load.Approved.Count:N0}; {side.Received.Count:N0} sell-through reports " +
            $"received (201); {side.Suspensions} suspensions and reinstatements. At the end: {(finallySettled ? "settled" : $"NOT settled ({last.Detail})")}, " +
            $"{last.Lost} lost, {last.Duplicated} duplicated, {last.Wrong} wrong; " +
            $"{errors.Values.Sum()} messages in _error or _skipped queues{List(errors)}; {dead.Values.Sum()} dead letters{List(dead)}");
        // A registration the client never saw answered 201 may still have been stored (committed as the service died): at
        // most one for each such attempt.
        var unanswered = load.Attempts.Count(a => a.Status is not (200 or 201));
        return new ChaosReport(results, load.Registered.Count, load.Approved.Count, side.Received.Count, side.Suspensions, errors, dead, finallySettled, last,
            unanswered);
    }

    static string List(Dictionary<string, long> counts) =>
        counts.Values.Sum() > 0 ? " (" + string.Join(", ", counts.Where(e => e.Value > 0).Select(e => $"{e.Key} {e.Value}")) + ")" : "";

    /// <summary>Each kind of fault over all rounds (the service faults over every victim).</summary>
    static void Summarise(List<FaultResult> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| fault | rounds | requests | client errors | back to 201s, median / max | settled, median / max | not settled | lost | duplicated | wrong | stored without a 201 |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in results.GroupBy(r => r.Fault.Contains("SIGKILLed and restarted") ? "a service SIGKILLed and restarted"
                     : r.Fault.Contains("stopped (SIGTERM)") ? "a service stopped (SIGTERM) and restarted" : r.Fault))
        {
            var back = kind.Select(r => r.BackToCreatedSeconds).ToList();
            var settled = kind.Where(r => r.Settled).Select(r => r.SettledSeconds).DefaultIfEmpty(double.NaN).ToList();
            output.WriteLine($"| {kind.Key} | {kind.Count()} | {kind.Sum(r => r.Requests):N0} | {kind.Sum(r => r.ClientErrors):N0} " +
                $"| {Stats.Percentile(back, 50):F1} / {back.Max():F1} s | {Stats.Percentile(settled, 50):F1} / {settled.Max():F1} s " +
                $"| {kind.Count(r => !r.Settled)} | {kind.Sum(r => r.Lost)} | {kind.Sum(r => r.Duplicated)} | {kind.Sum(r => r.Wrong)} | {kind.Sum(r => r.StoredWithout201)} |");
        }
    }

    static FaultResult Describe(int round, string fault, RegistrationLoad load, double injectedAt, double settledAt, bool settled,
        Ledger.State before, Ledger.State after, string evidence)
    {
        var during = load.Attempts.Where(a => a.StartedMs >= injectedAt && a.StartedMs <= settledAt).OrderBy(a => a.StartedMs).ToList();
        var failed = during.Where(a => a.Status is not (200 or 201)).ToList();
        var back = 0.0;
        if (failed.Count > 0)
        {
            var lastError = failed.Max(a => a.StartedMs);
            var firstCreated = during.FirstOrDefault(a => a.Status == 201 && a.StartedMs > lastError);
            back = ((firstCreated?.StartedMs + firstCreated?.Milliseconds) ?? settledAt) - injectedAt;
        }
        var codes = string.Join(", ", failed.GroupBy(a => a.Status).OrderBy(g => g.Key)
            .Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString())} × {g.Count()}"));
        return new FaultResult(round, fault, during.Count, failed.Count, codes, back / 1000, (settledAt - injectedAt) / 1000, settled,
            Math.Max(0, after.Lost - before.Lost), Math.Max(0, after.Duplicated - before.Duplicated), after.Wrong,
            Math.Max(0, after.StoredWithout201 - before.StoredWithout201), evidence, after.Detail);
    }

    static async Task<string> KillBroker(ChaosSystem system)
    {
        await system.Control("broker-kill");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var down = Stopwatch.StartNew();
        await system.Control("broker-start");
        return $"broker down, back in {down.Elapsed.TotalSeconds + 1:F1} s";
    }

    /// <summary>
    /// The broker goes away for longer than a service waits for it at start-up (10 s here), and Deals
    /// is SIGKILLed and started during the outage: it must start and serve (its events wait in its
    /// outbox) and deliver them once the broker is back.
    /// </summary>
    static async Task<string> BrokerAwayWhileDealsRestarts(ChaosSystem system, RegistrationLoad load)
    {
        var createdBefore = load.Registered.Count;
        await system.Control("broker-kill");
        var down = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await system.Kill("Deals");
        var starting = Stopwatch.StartNew();
        await system.StartService("Deals"); // ready: 200 on /health/ready, degraded without the broker
        var ready = starting.Elapsed;
        while (down.Elapsed < TimeSpan.FromSeconds(25)) await Task.Delay(250);
        var createdDuring = load.Registered.Count - createdBefore;
        await system.Control("broker-start");
        return $"broker down {down.Elapsed.TotalSeconds:F0} s; Deals restarted in it, ready in {ready.TotalSeconds:F1} s; " +
               $"{createdDuring} registrations answered 201 while the broker was away";
    }

    /// <summary>
    /// The node that leads most of the run's queues is SIGKILLed: its quorum queues elect leaders on the other two, the
    /// services connected to it reconnect to another node, and no message it held is lost. Then it comes back and rejoins.
    /// </summary>
    static async Task<string> KillLeadingNode(ChaosSystem system)
    {
        var before = await system.QueueLeaders();
        var (leader, led) = before.MaxBy(l => l.Value);
        // channel-chaos@localhost is node 1, channel-chaos-K@localhost node K.
        var number = leader.Split('@')[0].Split('-') is [.., var last] && int.TryParse(last, out var k) ? k : 1;
        await system.Control($"node-kill {number}");
        var down = Stopwatch.StartNew();
        // Every queue led again, none by the dead node (a queue between leaders shows none, so the count matters too).
        var total = before.Values.Sum();
        await Eventually.True(async () => await system.QueueLeaders() is var now && !now.ContainsKey(leader) && now.Values.Sum() == total,
            $"all {total} queues led elsewhere than {leader}");
        var moved = down.Elapsed;
        var starting = Stopwatch.StartNew();
        await system.Control($"node-start {number}");
        var started = starting.Elapsed;
        var after = await system.QueueLeaders();
        return $"{leader} led {led} of {before.Values.Sum()} queues; leaders elsewhere within {moved.TotalSeconds:F1} s; node back in " +
               $"{down.Elapsed.TotalSeconds:F1} s (its start {started.TotalSeconds:F1} s); leaders now {string.Join(", ", after.OrderBy(l => l.Key).Select(l => $"{l.Key.Split('@')[0]} {l.Value}"))}";
    }

    /// <summary>For each service in turn, its first instance is SIGKILLed while the second serves, then started again.</summary>
    static async Task<string> KillOneInstanceOfEach(ChaosSystem system)
    {
        var back = new List<string>();
        foreach (var service in system.Services)
        {
            await system.Kill(service);
            var down = Stopwatch.StartNew();
            await system.StartService(service);
            back.Add($"{service} {down.Elapsed.TotalSeconds:F1} s");
        }
        return $"each back in: {string.Join(", ", back)}";
    }

    /// <summary>Every instance of every service, one at a time: SIGTERM (it drains, then exits 0), started again, ready before the next.</summary>
    static async Task<string> RollingRestart(ChaosSystem system)
    {
        var watch = Stopwatch.StartNew();
        foreach (var (name, _) in system.Backends)
        {
            var (took, code) = await system.Terminate(name);
            if (code != 0) throw new InvalidOperationException($"{name} did not stop cleanly on SIGTERM (exit code {code} after {took.TotalSeconds:F1} s)");
            await system.StartService(name);
        }
        return $"{system.Backends.Length} processes restarted in {watch.Elapsed.TotalSeconds:F0} s, each exit code 0";
    }

    static async Task<string> KillService(ChaosSystem system, string victim)
    {
        await system.Kill(victim);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var down = Stopwatch.StartNew();
        await system.StartService(victim);
        return $"{victim} back in {down.Elapsed.TotalSeconds + 1:F1} s";
    }

    static async Task<string> StopService(ChaosSystem system, string victim)
    {
        var (took, code) = await system.Terminate(victim);
        if (code != 0) throw new InvalidOperationException($"{victim} did not stop cleanly on SIGTERM (exit code {code} after {took.TotalSeconds:F1} s)");
        await system.StartService(victim);
        return $"{victim} stopped in {took.TotalSeconds:F1} s (exit code {code})";
    }

    static async Task<string> RestartPostgres(ChaosSystem system)
    {
        var startedBefore = await StartTime(system);
        await system.Control("pg-restart");
        var startedAfter = await StartTime(system);
        if (startedAfter == startedBefore) throw new InvalidOperationException("PostgreSQL did not restart");
        return $"postmaster started {startedBefore:HH:mm:ss.fff} → {startedAfter:HH:mm:ss.fff}";
    }

    static async Task<string> PostgresAway(ChaosSystem system, TimeSpan outage)
    {
        await system.Control("pg-stop");
        var down = Stopwatch.StartNew();
        await Task.Delay(outage);
        await system.Control("pg-start");
        return $"PostgreSQL down {down.Elapsed.TotalSeconds:F1} s";
    }

    static async Task<DateTime> StartTime(ChaosSystem system)
    {
        await using var conn = await system.Open("Deals");
        return await conn.ExecuteScalarAsync<DateTime>("select pg_postmaster_start_time()");
    }

    /// <summary>
    /// The broker stops taking publishes (a memory alarm), so the relay claims a batch and waits for
    /// its confirms while registrations pile up behind it. Both Deals instances are SIGKILLed and one
    /// started again with the alarm still on: its relay claims the whole pile and waits for confirms
    /// in turn, and with that large batch in flight the process is SIGKILLed once more. Then the alarm
    /// is cleared and both are started: every event must be published again, and consumed once in effect.
    /// </summary>
    static async Task<string> KillRelayMidBatch(ChaosSystem system)
    {
        await system.Control("broker-block");
        long first, second;
        try
        {
            first = await WaitForClaim(system, minimum: 1, backlog: 50);
            await system.Kill("Deals 2");
            await system.Kill("Deals");
            // Not waiting for ready: its relay starts and claims the pile; on a blocked broker the bus does not finish starting.
            await system.StartService("Deals", waitUntilReady: false);
            second = await WaitForClaim(system, minimum: 20, backlog: 0);
            await system.Kill("Deals");
        }
        finally
        {
            await system.Control("broker-unblock");
        }
        await Task.WhenAll(system.StartService("Deals"), system.StartService("Deals 2"));
        return $"{first} then {second} events claimed by the relay and unconfirmed when it died";
    }

    /// <summary>Until the relay holds at least <paramref name="minimum"/> rows and at least <paramref name="backlog"/> wait behind them (30 s at most).</summary>
    static async Task<long> WaitForClaim(ChaosSystem system, long minimum, long backlog)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (claimed, waiting) = await ClaimedByTheRelay(system);
            if ((claimed >= minimum && waiting >= backlog) || waited.Elapsed > TimeSpan.FromSeconds(30)) return claimed;
            await Task.Delay(100);
        }
    }

    /// <summary>Outbox rows locked by a relay's open claim (the ones this statement cannot lock), and the rows free behind them.</summary>
    static async Task<(long Claimed, long Waiting)> ClaimedByTheRelay(ChaosSystem system)
    {
        await using var conn = await system.Open("Deals");
        await using var tx = await conn.BeginTransactionAsync();
        var (all, free) = await conn.QuerySingleAsync<(long, long)>(
            "select (select count(*) from outbox), (select count(*) from (select id from outbox for update skip locked) free)", transaction: tx);
        await tx.RollbackAsync();
        return (all - free, free);
    }

    /// <summary>
    /// The duplicate window. A backlog builds while the broker takes no publishes; both Deals
    /// processes are SIGKILLed and one started again, whose relay claims the whole backlog and waits
    /// for confirms. The outbox is then locked against deletes (a share lock on the table) and the
    /// broker let go: the relay's batch is confirmed and delivered, and the relay waits to delete the
    /// rows. There the process is SIGKILLed and both are started again: the whole batch is published a
    /// second time, the broker delivers it twice, and the readers' inboxes must make it count once.
    /// </summary>
    static async Task<string> KillRelayBeforeDelete(ChaosSystem system)
    {
        await system.Control("broker-block");
        long claimed, delivered;
        try
        {
            await WaitForClaim(system, minimum: 1, backlog: 50);
            await system.Kill("Deals 2");
            await system.Kill("Deals");
            await system.StartService("Deals", waitUntilReady: false);
            claimed = await WaitForClaim(system, minimum: 20, backlog: 0);
        }
        catch
        {
            await system.Control("broker-unblock");
            throw;
        }
        await using var locker = await system.Open("Deals");
        await using var tx = await locker.BeginTransactionAsync();
        await locker.ExecuteAsync("lock table outbox in share mode", transaction: tx);
        await system.Control("broker-unblock");
        var waiting = Stopwatch.StartNew();
        var blocked = false;
        while (!blocked && waiting.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using var look = await system.Open("Deals");
            blocked = await look.ExecuteScalarAsync<bool>("""
                select exists (select 1 from pg_stat_activity
                               where datname = current_database() and wait_event_type = 'Lock' and query like 'delete from outbox%')
                """);
            if (!blocked) await Task.Delay(100);
        }
        await Task.Delay(2000); // the readers take the confirmed batch
        var pending = (await locker.QueryAsync<Guid>("select message_id from outbox", transaction: tx)).ToArray();
        await using (var reporting = await system.Open("Reporting"))
            delivered = await reporting.ExecuteScalarAsync<long>("select count(distinct message_id) from inbox where message_id = any(@pending)", new { pending });
        await system.Kill("Deals");
        await tx.RollbackAsync();
        await Task.WhenAll(system.StartService("Deals"), system.StartService("Deals 2"));
        if (!blocked || delivered == 0)
            throw new InvalidOperationException($"the relay did not reach its delete with delivered events (blocked: {blocked}, delivered: {delivered} of {claimed})");
        return $"{delivered} of {claimed} claimed events delivered and not yet deleted when the relay died (published again on restart)";
    }

    /// <summary>
    /// A row no process can publish (its type is unknown) lands in the Deals outbox among the others:
    /// it must be set aside after its few attempts while everything else flows, and an operator drops it.
    /// </summary>
    static async Task<string> PoisonRow(ChaosSystem system, HttpClient http)
    {
        await using var conn = await system.Open("Deals");
        var messageId = Guid.NewGuid();
        await conn.ExecuteAsync("""
            insert into outbox (message_id, message_type, body, body_bytes) values (@messageId, 'Channel.Contracts.Retired.SomethingOld, Channel.Contracts', '{}', 2);
            select pg_notify('outbox', '');
            """, new { messageId });
        var watch = Stopwatch.StartNew();
        long id = 0;
        int attempts = 0;
        await WaitUntil(async () =>
        {
            (id, attempts) = await conn.QuerySingleOrDefaultAsync<(long, int)>("select id, attempts from outbox_dead_letters where message_id = @messageId", new { messageId });
            return id != 0;
        }, TimeSpan.FromSeconds(60), "the poison row to be set aside");
        var setAside = watch.Elapsed;
        using var drop = new HttpRequestMessage(HttpMethod.Delete, $"/api/deals/admin/outbox/dead-letters/{id}")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For("admin")) },
        };
        (await http.SendAsync(drop)).EnsureSuccessStatusCode();
        return $"set aside after {attempts} attempts in {setAside.TotalSeconds:F1} s, then dropped by an admin";
    }

    static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}
