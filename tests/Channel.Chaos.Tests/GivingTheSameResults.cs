using Channel.Load.Chaos;
using Xunit.Abstractions;

// The chaos run and the same-results run both take the chaos run's PostgreSQL and broker: one after the other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Channel.Chaos.Tests;

/// <summary>
/// Two instances of every service give the results one gives (<c>./channel chaos same-results</c> runs three; two in the
/// suite already race each other for every message, timer and outbox row, in a third less time): the same workload through each (onboarding, conflicting
/// registrations, approvals, a rejection, a suspension, a sell-through report sent twice, a special bid, a claim settled,
/// an extension, a loss, an invited user, an expiry and overdue approvals by the timers), then every table of every
/// service's database compared row by row.
/// </summary>
public sealed class GivingTheSameResults(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_instances_of_every_service_leave_every_database_as_one_does()
    {
        var log = new StringWriter();
        try
        {
            var one = await SameResults.Run(instances: 1, log);
            var two = await SameResults.Run(instances: 2, log);

            Assert.True(one.Values.Sum(t => t.Count) > 100, $"only {one.Values.Sum(t => t.Count)} rows to compare");
            Assert.Equal(3, one["Deals.deals"].Count(row => row.Split('|').Contains("won")));
            Assert.Single(one["Deals.deals"], row => row.Split('|').Contains("expired"));
            Assert.Single(one["Pricing.claims"], row => row.Split('|').Contains("settled"));
            Assert.Contains(one["Identity.accounts"], row => row.Contains("sam@same-a.example"));
            var differences = SameResults.Differences(one, two);
            foreach (var difference in differences) log.WriteLine(difference);
            Assert.Equal([], differences);
        }
        finally { output.WriteLine(log.ToString()); }
    }
}
