using System.Diagnostics;
using Channel.Testing;
using Dapper;

namespace Channel.Load.Chaos;

/// <summary>What one fault did, seen from the clients and from the databases once the system settled.</summary>
public sealed record FaultResult(
    int Round, string Fault, int Requests, int ClientErrors, string ErrorCodes, double BackToCreatedSeconds, double SettledSeconds,
    bool Settled, int Lost, int Duplicated, int StoredWithout201, string Evidence);

/// <summary>The whole run: every fault, and what was left in the <c>_error</c> queues at the end.</summary>
public sealed record ChaosReport(List<FaultResult> Faults, int Registered, int Approved, Dictionary<string, long> ErrorQueues);

/// <summary>
/// Fault injection under a steady registration load. In turn it kills the broker and restarts it,
/// SIGKILLs a service and restarts it, restarts PostgreSQL, and kills the outbox relay's process while
/// a batch is in flight. After each fault it waits for the system to settle and checks the ledger of
/// 201s against the Deals database and the Reporting read model: nothing lost, nothing duplicated.
/// </summary>
public static class ChaosRun
{
    /// <summary>The services a "service killed" fault takes down, one per round in turn.</summary>
    static readonly string[] Victims = ["Reporting", "Deals", "Gateway", "Partners"];

    public static async Task<ChaosReport> Run(int rounds, int concurrency, double perSecond, TextWriter output, TimeSpan? settleTimeout = null)
    {
        var patience = settleTimeout ?? TimeSpan.FromSeconds(90);
        await using var system = await ChaosSystem.Start();
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(system.Gateway),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var partners = await Onboarding.Partners(http, Tokens.For("channel-manager"), 10);
        await WaitUntil(async () => await Count(system, "Deals", "select count(*) from partners where status = 'active'") == partners.Count,
            TimeSpan.FromSeconds(60), "Deals to learn of the partners");
        var load = new RegistrationLoad(http, partners, p => Tokens.For("partner", p), Tokens.For("channel-manager"));
        var ledger = new Ledger(system, load);

        output.WriteLine($"chaos: {rounds} round(s); {concurrency} clients registering {perSecond:N0} deals/s through {system.Gateway}");
        output.WriteLine();
        output.WriteLine("| round | fault | requests | client errors | back to 201s | settled | lost | duplicated | stored without a 201 | evidence |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var results = new List<FaultResult>();
        using var stop = new CancellationTokenSource();
        var traffic = load.Run(concurrency, stop.Token, perSecond);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (_, before) = await ledger.Settle(patience);
            for (var round = 1; round <= rounds; round++)
            {
                var victim = Victims[(round - 1) % Victims.Length];
                foreach (var (name, inject) in new (string, Func<Task<string>>)[]
                {
                    ("broker killed (SIGKILL) and restarted", () => KillBroker(system)),
                    ($"{victim} SIGKILLed and restarted", () => KillService(system, victim)),
                    ("PostgreSQL restarted (immediate stop)", () => RestartPostgres(system)),
                    ("outbox relay's process (Deals) SIGKILLed mid-batch", () => KillRelayMidBatch(system)),
                })
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
                        $"| {result.BackToCreatedSeconds:F1} s | {(settled ? $"{result.SettledSeconds:F1} s" : "NOT settled")} | {result.Lost} | {result.Duplicated} " +
                        $"| {result.StoredWithout201} | {evidence} |");
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
        if (rounds > 1) Summarise(results, output);
        output.WriteLine();
        output.WriteLine($"registered {load.Registered.Count:N0} deals (201) and approved {load.Approved.Count:N0}; " +
            $"at the end: {(finallySettled ? "settled" : "NOT settled")}, {last.Lost} lost, {last.Duplicated} duplicated, " +
            $"{errors.Values.Sum()} messages in _error queues{(errors.Values.Sum() > 0 ? ": " + string.Join(", ", errors.Where(e => e.Value > 0).Select(e => $"{e.Key} {e.Value}")) : "")}");
        return new ChaosReport(results, load.Registered.Count, load.Approved.Count, errors);
    }

    /// <summary>Each kind of fault over all rounds (the service fault over every victim).</summary>
    static void Summarise(List<FaultResult> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| fault | rounds | requests | client errors | back to 201s, median / max | settled, median / max | not settled | lost | duplicated | stored without a 201 |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var kind in results.GroupBy(r => r.Fault.Contains("SIGKILLed and restarted") ? "a service SIGKILLed and restarted" : r.Fault))
        {
            var back = kind.Select(r => r.BackToCreatedSeconds).ToList();
            var settled = kind.Where(r => r.Settled).Select(r => r.SettledSeconds).DefaultIfEmpty(double.NaN).ToList();
            output.WriteLine($"| {kind.Key} | {kind.Count()} | {kind.Sum(r => r.Requests):N0} | {kind.Sum(r => r.ClientErrors):N0} " +
                $"| {Stats.Percentile(back, 50):F1} / {back.Max():F1} s | {Stats.Percentile(settled, 50):F1} / {settled.Max():F1} s " +
                $"| {kind.Count(r => !r.Settled)} | {kind.Sum(r => r.Lost)} | {kind.Sum(r => r.Duplicated)} | {kind.Sum(r => r.StoredWithout201)} |");
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
            Math.Max(0, after.Lost - before.Lost), Math.Max(0, after.Duplicated - before.Duplicated),
            Math.Max(0, after.StoredWithout201 - before.StoredWithout201), evidence);
    }

    static async Task<string> KillBroker(ChaosSystem system)
    {
        await system.Control("broker-kill");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var down = Stopwatch.StartNew();
        await system.Control("broker-start");
        return $"broker down, back in {down.Elapsed.TotalSeconds + 1:F1} s";
    }

    static async Task<string> KillService(ChaosSystem system, string victim)
    {
        await system.Kill(victim);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var down = Stopwatch.StartNew();
        await system.StartService(victim);
        return $"{victim} back in {down.Elapsed.TotalSeconds + 1:F1} s";
    }

    static async Task<string> RestartPostgres(ChaosSystem system)
    {
        var startedBefore = await StartTime(system);
        await system.Control("pg-restart");
        var startedAfter = await StartTime(system);
        if (startedAfter == startedBefore) throw new InvalidOperationException("PostgreSQL did not restart");
        return $"postmaster started {startedBefore:HH:mm:ss.fff} → {startedAfter:HH:mm:ss.fff}";
    }

    static async Task<DateTime> StartTime(ChaosSystem system)
    {
        await using var conn = await system.Open("Deals");
        return await conn.ExecuteScalarAsync<DateTime>("select pg_postmaster_start_time()");
    }

    /// <summary>
    /// The broker stops taking publishes (a memory alarm), so the relay claims a batch and waits for
    /// its confirms while registrations pile up behind it. The process is SIGKILLed and started again
    /// with the alarm still on: its relay claims the whole pile and waits for confirms in turn, and
    /// with that large batch in flight the process is SIGKILLed once more. Then the alarm is cleared
    /// and the process started: every event must be published again, and consumed once in effect.
    /// </summary>
    static async Task<string> KillRelayMidBatch(ChaosSystem system)
    {
        await system.Control("broker-block");
        long first, second;
        try
        {
            first = await WaitForClaim(system, minimum: 1, backlog: 50);
            await system.Kill("Deals");
            // Not waiting for ready: its relay starts first and claims the pile, and on a blocked broker the
            // bus may never finish starting (a blocked connection takes no topology either).
            await system.StartService("Deals", waitUntilReady: false);
            second = await WaitForClaim(system, minimum: 20, backlog: 0);
            await system.Kill("Deals");
        }
        finally
        {
            await system.Control("broker-unblock");
        }
        await system.StartService("Deals");
        return $"{first} then {second} events claimed by the relay and unconfirmed when it died";
    }

    /// <summary>Until the relay holds at least <paramref name="minimum"/> rows and at least <paramref name="backlog"/> wait behind them (15 s at most).</summary>
    static async Task<long> WaitForClaim(ChaosSystem system, long minimum, long backlog)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var (claimed, waiting) = await ClaimedByTheRelay(system);
            if ((claimed >= minimum && waiting >= backlog) || waited.Elapsed > TimeSpan.FromSeconds(15)) return claimed;
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

    static async Task<long> Count(ChaosSystem system, string service, string sql)
    {
        await using var conn = await system.Open(service);
        return await conn.ExecuteScalarAsync<long>(sql);
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
