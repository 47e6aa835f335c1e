using Channel.Load.Chaos;

// Channel benchmarks and fault injection; `./channel help` lists the commands.
var options = Options.Parse(args);
switch (options.Command)
{
    case "reports":
        await Reports.Run(options, args);
        return 0;
    case "registrations":
        var registered = await Registrations.Run(options);
        return registered.Errors == "none" ? 0 : 1;
    case "ceilings":
        await Ceilings.Run(options);
        return 0;
    case "ingestion":
        await Ingestion.Run(options);
        return 0;
    case "claims":
        await Claims.Run(options);
        return 0;
    case "rescreening":
        await Rescreening.Run(options);
        return 0;
    case "all":
        return await Everything.Run(options);
    case "same-results":
        var first = await SameResults.Run(1, Console.Out);
        var second = await SameResults.Run(options.Instances, Console.Out);
        var differences = SameResults.Differences(first, second);
        Console.WriteLine(differences.Count == 0
            ? $"same results: 1 and {options.Instances} instances of every service left {first.Count} tables with {first.Values.Sum(t => t.Count)} rows equal row for row"
            : string.Join('\n', differences));
        return differences.Count == 0 ? 0 : 1;
    case "chaos":
        var cluster = ChaosSystem.BrokerNodes.Length > 1;
        var report = await ChaosRun.Run(options.Rounds, options.Concurrency, options.Rate, Console.Out,
            databaseOutage: TimeSpan.FromSeconds(options.Outage), cluster: cluster);
        var clean = report.Faults.All(f => f.Settled && f.Lost == 0 && f.Duplicated == 0 && f.Wrong == 0) && report.FinallySettled
                    && report.ErrorQueues.Values.Sum() == 0 && report.DeadLetters.Values.Sum() == 0
                    // On the cluster a rolling restart turns no request away.
                    && report.Faults.Where(f => f.Fault.StartsWith("rolling restart")).All(f => f.ClientErrors == 0);
        return clean ? 0 : 1;
    default:
        Console.Error.WriteLine("""
            usage: channel bench all                  everything below, written as one Markdown section (against ./channel up)
                   channel bench registrations [--seconds N] [--concurrency N] [--partners N] [--warmup N]
                   channel bench ingestion [--lines N]
                   channel bench claims [--lines N]
                   channel bench rescreening [--deals N]   (100,000 open deals by default)
                   channel bench reports [--deals N] [--lines N] [--requests N] [--keep]
                   channel bench ceilings [--seconds N] [--concurrency N] [--messages N]
                   channel chaos [--rounds N] [--rate N] [--concurrency N] [--outage SECONDS] [--rabbit-nodes 3]
                   channel chaos same-results [--instances N]   (the same workload through 1 and N instances, every table compared)
            """);
        return 2;
}

sealed record Options(string Command, int Deals, int Lines, int Requests, int Seconds, int Concurrency, int Partners, int Messages,
    int IngestLines, int Rounds, int Rate, int Warmup, int Outage, int ClaimLines, int Instances)
{
    public static Options Parse(string[] args)
    {
        int Value(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
        }
        var command = args.FirstOrDefault() ?? "";
        return new Options(command, Value("--deals", 1_000_000), Value("--lines", 5_000_000), Value("--requests", 200),
            Value("--seconds", 20), Value("--concurrency", command == "chaos" ? 8 : 16), Value("--partners", 40),
            Value("--messages", 100_000), Value("--lines", 1_000_000), Value("--rounds", 1), Value("--rate", 50), Value("--warmup", 10), Value("--outage", 60),
            Value("--lines", 10_000), Value("--instances", 3));
    }
}
