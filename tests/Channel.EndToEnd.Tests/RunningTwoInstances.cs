using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Channel.Hosting.Auth;
using Channel.Testing;

namespace Channel.EndToEnd.Tests;

/// <summary>Two instances of the Partners service on one database and broker, the gateway in front of both.</summary>
public sealed class TwoPartnersInstances : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public ServiceProcess[] Instances { get; } = new ServiceProcess[2];
    public ServiceProcess Gateway { get; private set; } = null!;

    Dictionary<string, string> Settings() => new()
    {
        ["ConnectionStrings__Db"] = Db.ConnectionString,
        ["RabbitMq__Uri"] = Broker.Uri,
        ["Partners__ApplicationsPerMinute"] = "1000000",
        ["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1",
        // Told to stop, an instance says it is not ready and serves on for several of the gateway's probe intervals (a
        // probe answers late on a loaded machine: 2.5 s let five requests through in one suite run).
        ["Shutdown__Drain"] = "00:00:05",
    };

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("e2e_instances");
        Broker = await TestVirtualHost.Create("e2e-instances");
        // The first migrates the database; the second starts on it.
        // Ports chosen here: a killed instance comes back on its own (the gateway knows it there).
        Instances[0] = await ServiceProcess.Start("Partners", Settings(), ServiceProcess.FreePort());
        Instances[1] = await ServiceProcess.Start("Partners", Settings(), ServiceProcess.FreePort());
        var gateway = GatewaySettings(("main", Instances[0].Address), ("i2", Instances[1].Address));
        gateway["Gateway__HealthCheckInterval"] = "00:00:01";
        Gateway = await ServiceProcess.Start("Gateway", gateway);
    }

    /// <summary>A gateway's settings with these destinations of Partners, no limits in the way, and nothing behind the other services.</summary>
    public static Dictionary<string, string> GatewaySettings(params (string Name, string Address)[] partners)
    {
        var gateway = new Dictionary<string, string>
        {
            ["Gateway__ApplicationsPerMinute"] = "1000000",
            ["Gateway__RequestsPerSecondPerClient"] = "1000000",
        };
        foreach (var (name, address) in partners) gateway[$"ReverseProxy__Clusters__partners__Destinations__{name}__Address"] = address;
        foreach (var other in new[] { "deals", "distributors", "reports", "notifications", "identity", "pricing", "compliance" })
            gateway[$"ReverseProxy__Clusters__{other}__Destinations__main__Address"] = "http://127.0.0.1:9";
        return gateway;
    }

    /// <summary>A partner application by a channel manager, its website and contact on <paramref name="domain"/>.</summary>
    public static object Application(string legalName, string domain) => new
    {
        legalName,
        country = "US",
        region = "WA",
        websiteDomain = domain,
        partnerType = "var",
        primaryContact = new { name = "Ray Oh", email = $"ray@{domain}" },
        agreementVersion = "2026-01",
    };

    /// <summary>Instance <paramref name="i"/> again on its port (after it was killed or stopped), once it is ready.</summary>
    public async Task Restart(int i)
    {
        await Instances[i].DisposeAsync();
        Instances[i] = await ServiceProcess.Start("Partners", Settings(), port: Instances[i].Port);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        foreach (var instance in Instances) await instance.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>
/// An instance of a service dies or is stopped while requests flow through the gateway: the gateway's readiness probes
/// take it out, a request that reached no instance goes to the other when it is safe to repeat, and an instance told to
/// stop drains before it closes. Clients see the results; the database shows nothing was done twice.
/// </summary>
public sealed class RunningTwoInstances(TwoPartnersInstances system) : IClassFixture<TwoPartnersInstances>
{
    sealed record Outcome(string Kind, HttpStatusCode? Status, string? Error, string? Name);

    /// <summary>Clients listing partners and applying (with an Idempotency-Key or without) until told to stop.</summary>
    /// <param name="meanwhile">What happens under the load; it is given a wait for that many more requests answered.</param>
    async Task<List<Outcome>> Load(string tag, bool keyed, Func<Func<int, Task>, Task> meanwhile)
    {
        var outcomes = new ConcurrentQueue<Outcome>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri(system.Gateway.Address), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.ChannelManager));
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var name = $"{tag} {w}-{n}";
                try
                {
                    using var listed = await http.GetAsync("/api/partners?pageSize=1");
                    outcomes.Enqueue(new("list", listed.StatusCode, null, null));
                    using var apply = new HttpRequestMessage(HttpMethod.Post, "/api/partners/applications")
                    {
                        Content = JsonContent.Create(TwoPartnersInstances.Application(name, $"{tag}-{w}-{n}.example")),
                    };
                    if (keyed) apply.Headers.Add("Idempotency-Key", $"{tag}-{w}-{n}");
                    using var applied = await http.SendAsync(apply);
                    outcomes.Enqueue(new("apply", applied.StatusCode, null, name));
                }
                catch (HttpRequestException e)
                {
                    outcomes.Enqueue(new("error", null, e.Message, name));
                }
            }
        })).ToList();
        // Load before, during and after what happens.
        await Eventually.True(() => Task.FromResult(outcomes.Count(o => o.Kind == "apply") >= 20), "load under way");
        Task More(int count)
        {
            var seen = outcomes.Count;
            return Eventually.True(() => Task.FromResult(outcomes.Count >= seen + count), $"{count} more requests");
        }
        await meanwhile(More);
        await More(40);
        stop.Cancel();
        await Task.WhenAll(workers);
        return [.. outcomes];
    }

    /// <summary>Every answer that was not a success, as "kind status error" (the list shows in a failure).</summary>
    static List<string> Failures(List<Outcome> outcomes) =>
        [.. outcomes.Where(o => o.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).Select(o => $"{o.Kind} {o.Status} {o.Error}")];

    async Task AssertEachAppliedOnce(string tag, List<Outcome> outcomes)
    {
        var created = outcomes.Where(o => o.Kind == "apply" && o.Status == HttpStatusCode.Created).Select(o => o.Name!).ToHashSet();
        var stored = await system.Db.Query<string>("select legal_name from partners where legal_name like @tag", new { tag = $"{tag} %" });
        Assert.Equal(stored.Count, stored.Distinct().Count());
        Assert.Equal(created.Order(), stored.Order());
    }

    [Fact]
    public async Task Killing_one_instance_turns_away_no_request_that_is_safe_to_repeat_and_does_nothing_twice()
    {
        var tag = $"kill{Guid.NewGuid():N}"[..12];
        var outcomes = await Load(tag, keyed: true, async more =>
        {
            system.Instances[0].Kill();
            // Requests go on while the killed one is down: first some that reach its closed port, then the probe fails.
            await more(200);
        });
        await system.Restart(0);

        Assert.Equal([], Failures(outcomes));
        Assert.True(outcomes.Count(o => o.Kind == "apply") > 40, $"{outcomes.Count} requests");
        await AssertEachAppliedOnce(tag, outcomes);
    }

    [Fact]
    public async Task A_rolling_restart_with_sigterm_turns_away_no_request_at_all()
    {
        var tag = $"roll{Guid.NewGuid():N}"[..12];
        var outcomes = await Load(tag, keyed: false, async _ =>
        {
            for (var i = 0; i < 2; i++)
            {
                var (_, exit) = await system.Instances[i].Terminate();
                Assert.Equal(0, exit);
                await system.Restart(i);
            }
        });

        Assert.Equal([], Failures(outcomes));
        await AssertEachAppliedOnce(tag, outcomes);
    }

    [Fact]
    public async Task An_instance_left_out_for_failing_requests_is_tried_again_after_the_reactivation_period()
    {
        // The first instance behind a proxy the test cuts, first in line; the readiness probe as good as off (once an hour),
        // so only the failed requests take it out and only the reactivation period brings it back.
        await using var cut = new TcpProxy(system.Instances[0].Port);
        var gateway = TwoPartnersInstances.GatewaySettings(("main", $"http://127.0.0.1:{cut.Port}"), ("next", system.Instances[1].Address));
        gateway["ReverseProxy__Clusters__partners__LoadBalancingPolicy"] = "FirstAlphabetical";
        gateway["Gateway__HealthCheckInterval"] = "01:00:00";
        gateway["Gateway__ReactivationPeriod"] = "00:00:05";
        await using var proxy = await ServiceProcess.Start("Gateway", gateway);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Address) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.ChannelManager));
        async Task<HttpStatusCode> List() { using var listed = await http.GetAsync("/api/partners?pageSize=1"); return listed.StatusCode; }

        Assert.Equal(HttpStatusCode.OK, await List());
        Assert.True(cut.Accepted > 0, "the first instance served while it was first in line");

        // Requests it fails are sent to the other (a list is safe to repeat); enough of them at once take it out.
        cut.Cut();
        Assert.All(await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => List())), status => Assert.Equal(HttpStatusCode.OK, status));
        // (The gateway's log is JSON: YARP's quotes are escaped in it.)
        await Eventually.True(() => Task.FromResult(proxy.Log().Contains(@"marked as \u0027Unhealthy\u0060 by the passive health check")),
            "the gateway to leave the failing instance out");
        Assert.Contains(@"reactivation in \u006000:00:05\u0060", proxy.Log());

        // Back after its reactivation period (YARP's failure-rate window, 60 s unless told, kept it out for a minute).
        cut.Restore();
        var before = cut.Accepted;
        await Eventually.True(async () => await List() == HttpStatusCode.OK && cut.Accepted > before,
            "the first instance to take requests again", timeout: TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task A_request_that_reaches_no_instance_goes_to_another_whatever_its_method()
    {
        // A gateway whose first choice is always a port nobody listens on, with no health checks to take it out first.
        var gateway = TwoPartnersInstances.GatewaySettings(("main", "http://127.0.0.1:1"), ("next", system.Instances[1].Address));
        gateway["ReverseProxy__Clusters__partners__LoadBalancingPolicy"] = "FirstAlphabetical";
        gateway["ReverseProxy__Clusters__partners__HealthCheck__Active__Enabled"] = "false";
        await using var proxy = await ServiceProcess.Start("Gateway", gateway);
        using var http = new HttpClient { BaseAddress = new Uri(proxy.Address) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Tokens.For(Roles.ChannelManager));

        var tag = $"norch{Guid.NewGuid():N}"[..12];
        using var applied = await http.PostAsJsonAsync("/api/partners/applications", TwoPartnersInstances.Application($"{tag} 0-0", $"{tag}.example"));
        Assert.Equal(HttpStatusCode.Created, applied.StatusCode);
        await AssertEachAppliedOnce(tag, [new("apply", applied.StatusCode, null, $"{tag} 0-0")]);
    }

    [Fact]
    public async Task An_instance_told_to_stop_closes_each_connection_after_its_answer_while_it_drains()
    {
        using var http = new HttpClient { BaseAddress = new Uri(system.Instances[0].Address) };
        using (var before = await http.GetAsync("/health/live"))
            Assert.NotEqual(true, before.Headers.ConnectionClose);

        var stopped = system.Instances[0].Terminate();
        await Eventually.True(async () =>
        {
            using var ready = await http.GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, "the instance says it is not ready");
        using (var draining = await http.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, draining.StatusCode);
            Assert.True(draining.Headers.ConnectionClose, "a draining instance keeps the connection open");
        }
        Assert.Equal(0, (await stopped).ExitCode);
        await system.Restart(0);
    }
}
