using Channel.Load.Chaos;
using Xunit.Abstractions;

namespace Channel.Chaos.Tests;

/// <summary>
/// The short chaos run: one round of each fault under registration load (with sell-through uploads
/// and partner suspensions beside it, against two instances of Deals), on the chaos run's own
/// PostgreSQL cluster and broker (./channel test starts them), with its own service processes.
/// </summary>
public sealed class SurvivingFaultsUnderLoad(ITestOutputHelper output)
{
    [Fact]
    public async Task Nothing_is_lost_duplicated_or_wrong_whatever_breaks()
    {
        var log = new StringWriter();
        ChaosReport report;
        try { report = await ChaosRun.Run(rounds: 1, concurrency: 8, perSecond: 20, log); }
        finally { output.WriteLine(log.ToString()); }

        Assert.Equal(9, report.Faults.Count);
        Assert.All(report.Faults, fault =>
        {
            Assert.True(fault.Settled, $"{fault.Fault}: the system did not settle: {fault.Detail}");
            Assert.Equal(0, fault.Lost);
            Assert.Equal(0, fault.Duplicated);
            Assert.Equal(0, fault.Wrong);
            Assert.True(fault.Requests > 0, $"{fault.Fault}: no registrations were made while it happened");
        });
        Assert.True(report.FinallySettled, $"not settled at the end: {report.Final.Detail}");
        Assert.Equal((0, 0, 0), (report.Final.Lost, report.Final.Duplicated, report.Final.Wrong));
        // A deal stored without its 201 is one whose answer was lost in a fault: never more than the attempts left unanswered.
        Assert.True(report.Final.StoredWithout201 <= report.Unanswered,
            $"{report.Final.StoredWithout201} deals stored without a 201, but only {report.Unanswered} attempts went unanswered");
        Assert.DoesNotContain(report.ErrorQueues, q => q.Value > 0);
        Assert.DoesNotContain(report.DeadLetters, d => d.Value > 0);
        // The faults really happened: relays died holding unconfirmed events and after delivering some; the broker was away
        // while Deals started and it went on registering; clients saw the services go away; the side load ran throughout.
        Assert.Matches("^[1-9][0-9]* then ([2-9][0-9]|[0-9]{3,}) events claimed", report.Faults.Single(f => f.Fault.Contains("mid-batch")).Evidence);
        Assert.Matches("^([2-9][0-9]|[0-9]{3,}) of [0-9]+ claimed events delivered and not yet deleted", report.Faults.Single(f => f.Fault.Contains("before the delete")).Evidence);
        Assert.Matches("; [1-9][0-9]* registrations answered 201 while the broker was away", report.Faults.Single(f => f.Fault.Contains("start-up")).Evidence);
        Assert.Matches("^set aside after 3 attempts", report.Faults.Single(f => f.Fault.Contains("poison")).Evidence);
        Assert.Contains("(exit code 0)", report.Faults.Single(f => f.Fault.Contains("SIGTERM")).Evidence);
        Assert.Contains(report.Faults, f => f.ClientErrors > 0);
        Assert.True(report.Registered > 500, $"only {report.Registered} registrations succeeded");
        Assert.True(report.Reports > 20 && report.Suspensions > 3, $"{report.Reports} reports, {report.Suspensions} suspensions");
    }
}
