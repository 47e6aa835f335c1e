using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;
using Dapper;
using Npgsql;

namespace Channel.Load.Chaos;

/// <summary>
/// The system a chaos run breaks: Partners, Distributors, two instances of Deals, Reporting,
/// Notifications, Compliance (every registration is screened before it may be approved) and the gateway as their own processes, on a PostgreSQL cluster and a RabbitMQ node nobody else uses
/// (<c>./channel</c> starts them and exports where they are), with fresh databases and a fresh
/// virtual host for each run. The broker and PostgreSQL are broken through <c>./channel _chaos
/// VERB</c>, the one place that knows how they run.
/// </summary>
public sealed class ChaosSystem : IAsyncDisposable
{
    /// <summary>The services a chaos run breaks: every one that takes part in registering, deciding and reporting deals.</summary>
    public static readonly string[] Broken = ["Partners", "Distributors", "Deals", "Reporting", "Notifications", "Compliance"];

    /// <summary>Every service (the same-results run also takes Pricing's price authorizations and claims, and Identity's accounts).</summary>
    public static readonly string[] Every = [.. Broken, "Pricing", "Identity"];

    /// <summary>How many processes start at the same time (a service's instances always together).</summary>
    const int StartingAtOnce = 4;

    /// <summary>The services this system runs.</summary>
    public string[] Services { get; }

    /// <summary>
    /// Each process by its name here, and the service it runs: two instances of Deals share its database; on a broker
    /// cluster, two instances of every service.
    /// </summary>
    public (string Name, string Service)[] Backends { get; }

    /// <summary>The broker is a cluster of several nodes (<c>./channel chaos --rabbit-nodes 3</c>).</summary>
    public bool Cluster { get; }

    /// <summary>The gateway's cluster for each service.</summary>
    static string Route(string service) => service == "Reporting" ? "reports" : service.ToLowerInvariant();

    readonly Dictionary<string, ServiceProcess> running = [];
    readonly Dictionary<string, (string Service, int Port, Dictionary<string, string> Environment)> launch = [];
    readonly string server;
    readonly string rabbitApi;
    readonly string control;
    readonly string suffix = Guid.NewGuid().ToString("N")[..8];
    TestVirtualHost? vhost;
    FileStream? exclusive;

    ChaosSystem(bool cluster, int? instances, string[] services)
    {
        Cluster = cluster;
        Services = services;
        Backends = (instances ?? (cluster ? 2 : 0)) is > 0 and var n
            ? [.. Services.SelectMany(s => Enumerable.Range(1, n).Select(i => (i == 1 ? s : $"{s} {i}", s)))]
            : [("Partners", "Partners"), ("Distributors", "Distributors"), ("Deals", "Deals"), ("Deals 2", "Deals"), ("Reporting", "Reporting"),
               ("Notifications", "Notifications"), ("Compliance", "Compliance")];
        server = Required("CHANNEL_CHAOS_PG");
        rabbitApi = Required("CHANNEL_CHAOS_RABBIT_API");
        control = Environment.GetEnvironmentVariable("CHANNEL_CHAOS_CONTROL") ?? Path.Combine(TestEnvironment.Root, "channel");
    }

    static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : throw new InvalidOperationException($"{name} is not set: run through ./channel chaos or ./channel test, which start the chaos run's own PostgreSQL and broker");

    public string Gateway => running["Gateway"].Address;
    public string VirtualHost => vhost!.Name;
    public IEnumerable<string> Running => running.Keys;

    public string Database(string service) =>
        new NpgsqlConnectionStringBuilder(server) { Database = $"chaos_{service.ToLowerInvariant()}_{suffix}" }.ConnectionString;

    /// <summary>The chaos run's broker nodes (host:port, comma-separated), as <c>./channel</c> started them.</summary>
    public static string[] BrokerNodes =>
        (Environment.GetEnvironmentVariable("CHANNEL_CHAOS_RABBIT_NODES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <param name="cluster">On the chaos broker's cluster, two instances of every service unless <paramref name="instances"/> says.</param>
    /// <param name="instances">That many instances of every service (by default: two of Deals, one of the others).</param>
    /// <param name="services">With <paramref name="instances"/>, the services to run (by default <see cref="Broken"/>).</param>
    public static async Task<ChaosSystem> Start(bool cluster = false, int? instances = null, string[]? services = null)
    {
        if (cluster && BrokerNodes.Length < 3)
            throw new InvalidOperationException("the cluster run needs the chaos broker as a cluster: ./channel chaos --rabbit-nodes 3");
        var system = new ChaosSystem(cluster, instances, services ?? Broken);
        system.exclusive = await TakeTheInstances();
        await system.Prepare();
        foreach (var (name, service) in system.Backends)
        {
            var environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__Db"] = system.Database(service),
                ["RabbitMq__Uri"] = system.vhost!.Uri,
                // A poison row is set aside after three attempts a second or two apart (not ten, minutes apart).
                ["Outbox__MaxAttempts"] = "3",
                ["Outbox__MaxRetryDelay"] = "00:00:02",
                // Started while the broker is away, a service waits 10 s for it, then serves without it.
                ["RabbitMq__StartWait"] = "00:00:10",
                // The timers look for due work every second (not every 30).
                ["Deals__TimerInterval"] = "00:00:01",
                ["Pricing__TimerInterval"] = "00:00:01",
                ["Smtp__Host"] = TestEnvironment.SmtpHost,
                ["Smtp__Port"] = TestEnvironment.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (cluster)
            {
                environment["RabbitMq__Nodes"] = string.Join(',', BrokerNodes);
                // Told to stop, an instance serves on until the gateway's probe (every second) has taken it out.
                environment["Shutdown__Drain"] = "00:00:02.500";
            }
            system.launch[name] = (service, ServiceProcess.FreePort(), environment);
        }
        // The instances of a service start at once (one migrates its database while the others wait for the lock), and a
        // few processes at a time: two dozen starting together on two cores took over 90 s each on a loaded CI machine and
        // starved the browser tests running beside them.
        var byService = system.Backends.GroupBy(b => b.Service).ToList();
        var together = Math.Max(1, StartingAtOnce / byService.Max(g => g.Count()));
        await Parallel.ForEachAsync(byService, new ParallelOptions { MaxDegreeOfParallelism = together },
            async (instances, _) => await Task.WhenAll(instances.Select(b => system.StartService(b.Name))));
        var gateway = new Dictionary<string, string>
        {
            ["Gateway__RequestsPerSecondPerClient"] = "100000",
            ["Gateway__ApplicationsPerMinute"] = "100000",
            ["Gateway__HealthCheckInterval"] = "00:00:01",
        };
        foreach (var (name, service) in system.Backends)
            gateway[$"ReverseProxy__Clusters__{Route(service)}__Destinations__{(name == service ? "main" : $"i{name[(service.Length + 1)..]}")}__Address"] =
                system.running[name].Address;
        system.launch["Gateway"] = ("Gateway", ServiceProcess.FreePort(), gateway);
        await system.StartService("Gateway");
        return system;
    }

    /// <summary>One chaos run at a time: a second would break the first's broker and database (and drop its databases).</summary>
    static async Task<FileStream> TakeTheInstances()
    {
        var path = Path.Combine(TestEnvironment.Root, ".channel", "chaos.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 20) { await Task.Delay(TimeSpan.FromSeconds(30)); }
            catch (IOException e) { throw new InvalidOperationException("another chaos run holds the chaos instances (.channel/chaos.lock)", e); }
        }
    }

    /// <summary>Drops what earlier runs left, then makes this run's databases and virtual host.</summary>
    async Task Prepare()
    {
        await using (var conn = new NpgsqlConnection(server))
        {
            foreach (var old in await conn.QueryAsync<string>("select datname from pg_database where datname like 'chaos\\_%'"))
                await conn.ExecuteAsync($"drop database if exists \"{old}\" with (force)");
            foreach (var service in Services)
                await conn.ExecuteAsync($"create database \"{new NpgsqlConnectionStringBuilder(Database(service)).Database}\"");
        }
        using var api = TestVirtualHost.Management(rabbitApi);
        foreach (var old in (await api.GetFromJsonAsync<JsonElement>("vhosts")).EnumerateArray()
                     .Select(v => v.GetProperty("name").GetString()!).Where(n => n.StartsWith("t-chaos-")))
            await api.DeleteAsync($"vhosts/{old}");
        vhost = await TestVirtualHost.Create("chaos", Required("CHANNEL_CHAOS_RABBIT"), rabbitApi);
    }

    /// <summary>Starts a process on its port, by default waiting until it is ready (200 on /health/ready, degraded or not).</summary>
    public async Task StartService(string name, bool waitUntilReady = true)
    {
        var (service, port, environment) = launch[name];
        running[name] = await ServiceProcess.Start(service, environment, port, waitUntilReady);
    }

    /// <summary>SIGKILL: no shutdown, no flush, no goodbye to the broker.</summary>
    public async Task Kill(string name)
    {
        running.Remove(name, out var victim);
        victim!.Kill();
        await victim.DisposeAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops it: how long it took to exit, and its exit code.</summary>
    public async Task<(TimeSpan Took, int ExitCode)> Terminate(string name)
    {
        running.Remove(name, out var victim);
        var stopped = await victim!.Terminate();
        await victim.DisposeAsync();
        return stopped;
    }

    /// <summary>Runs <c>./channel _chaos VERB</c> against the chaos run's own PostgreSQL and broker.</summary>
    public async Task Control(string verb)
    {
        var start = new ProcessStartInfo("bash", [control, "_chaos", .. verb.Split(' ')]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"./channel _chaos {verb} failed: {await errors}");
    }

    public async Task<NpgsqlConnection> Open(string service)
    {
        var conn = new NpgsqlConnection(Database(service) + ";Pooling=false");
        await conn.OpenAsync();
        return conn;
    }

    /// <summary>One number from a service's database.</summary>
    public async Task<long> Count(string service, string sql)
    {
        await using var conn = await Open(service);
        return await conn.ExecuteScalarAsync<long>(sql);
    }

    /// <summary>Each node of the broker cluster by name, and how many of this run's queues it leads.</summary>
    public async Task<Dictionary<string, int>> QueueLeaders()
    {
        // Asked of any node that answers (node k's management API is 10 ports above node k-1's, as ./channel runs them).
        JsonElement queues = default;
        for (var k = 0; ; k++)
        {
            var address = new UriBuilder(rabbitApi);
            address.Port += 10 * k;
            using var api = TestVirtualHost.Management(address.Uri.ToString());
            try
            {
                queues = await api.GetFromJsonAsync<JsonElement>($"queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,leader");
                break;
            }
            catch (HttpRequestException) when (k + 1 < Math.Max(1, BrokerNodes.Length)) { }
        }
        return queues.EnumerateArray()
            .Where(q => q.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String)
            .GroupBy(q => q.GetProperty("leader").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// Messages waiting in, or being handled from, this run's queues (not counting <c>_error</c> and <c>_skipped</c>), as the
    /// broker's statistics last saw them (about a second behind).
    /// </summary>
    public async Task<long> Queued() =>
        (await QueueDepths()).Where(q => !q.Key.EndsWith("_error") && !q.Key.EndsWith("_skipped")).Sum(q => q.Value);

    /// <summary>Messages in this run's <c>_error</c> and <c>_skipped</c> queues, by queue.</summary>
    public async Task<Dictionary<string, long>> ErrorQueues() =>
        (await QueueDepths()).Where(q => q.Key.EndsWith("_error") || q.Key.EndsWith("_skipped")).ToDictionary();

    /// <summary>Every queue of this run's virtual host and the messages in it.</summary>
    async Task<Dictionary<string, long>> QueueDepths()
    {
        using var api = TestVirtualHost.Management(rabbitApi);
        var queues = await api.GetFromJsonAsync<JsonElement>($"queues/{Uri.EscapeDataString(VirtualHost)}?columns=name,messages");
        return queues.EnumerateArray().ToDictionary(q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt64() : 0);
    }

    /// <summary>Events set aside as dead letters (a returned publish, an unreadable row), by service.</summary>
    public async Task<Dictionary<string, long>> DeadLetters()
    {
        var result = new Dictionary<string, long>();
        foreach (var service in Services)
        {
            await using var conn = await Open(service);
            result[service] = await conn.ExecuteScalarAsync<long>("select count(*) from outbox_dead_letters");
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in running.Values) await service.DisposeAsync();
        running.Clear();
        if (vhost is not null) await vhost.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        exclusive?.Dispose();
    }
}
