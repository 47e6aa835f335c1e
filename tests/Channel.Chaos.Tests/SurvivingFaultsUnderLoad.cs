using Channel.Load.Chaos;
using Xunit.Abstractions;

namespace Channel.Chaos.Tests;

/// <summary>
/// The short chaos run: one round of each fault under registration load, on the chaos run's own
/// PostgreSQL cluster and broker (./channel test starts them), with its own service processes.
/// </summary>
public sealed class SurvivingFaultsUnderLoad(ITestOutputHelper output)
{
    [Fact]
    public async Task Nothing_is_lost_or_duplicated_when_the_broker_a_service_the_database_or_the_relay_dies()
    {
        var log = new StringWriter();
        ChaosReport report;
        try { report = await ChaosRun.Run(rounds: 1, concurrency: 8, perSecond: 40, log); }
        finally { output.WriteLine(log.ToString()); }

        Assert.Equal(4, report.Faults.Count);
        Assert.All(report.Faults, fault =>
        {
            Assert.True(fault.Settled, $"{fault.Fault}: the system did not settle");
            Assert.Equal(0, fault.Lost);
            Assert.Equal(0, fault.Duplicated);
            Assert.True(fault.Requests > 0, $"{fault.Fault}: no registrations were made while it happened");
        });
        Assert.DoesNotContain(report.ErrorQueues, q => q.Value > 0);
        // The faults really happened: a relay died holding unconfirmed events, and clients saw the services go away.
        var relay = report.Faults.Single(f => f.Fault.Contains("relay"));
        Assert.Matches("^[1-9][0-9]* then ([2-9][0-9]|[0-9]{3,}) events claimed", relay.Evidence);
        Assert.Contains(report.Faults, f => f.ClientErrors > 0);
        Assert.True(report.Registered > 500, $"only {report.Registered} registrations succeeded");
    }
}
