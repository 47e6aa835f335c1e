using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Channel.Contracts.Deals;
using Channel.Contracts.Partners;
using Channel.Contracts.Pricing;
using Channel.Testing;
using NetArchTest.Rules;

namespace Channel.Architecture.Tests;

/// <summary>
/// The lines the design draws, checked on the built assemblies and on the sources: services know
/// each other only through the contracts; the gateway takes the web defaults and nothing of
/// messaging; shared code is plumbing; only a service's commit path writes its aggregates and its
/// outbox; statuses cross service boundaries only as the contracts name them.
/// </summary>
public sealed partial class KeepingTheLines
{
    static readonly string[] services = ["Partners", "Distributors", "Deals", "Reporting", "Notifications", "Identity", "Pricing", "Compliance"];

    /// <summary>The one class per service that saves its aggregates and writes its outbox (Reporting and Notifications have none: they publish nothing).</summary>
    public static TheoryData<string, string?> CommitPaths => new()
    {
        { "Partners", "Channel.Partners.Partners" },
        { "Distributors", "Channel.Distributors.Distributors" },
        { "Deals", "Channel.Deals.Deals" },
        { "Reporting", null },
        { "Notifications", null },
        { "Identity", "Channel.Identity.Accounts" },
        { "Pricing", "Channel.Pricing.Ledger" },
        { "Compliance", "Channel.Compliance.Decisions" },
    };

    static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    static string Dll(string folder, string assembly) =>
        Path.Combine(TestEnvironment.Root, folder, "bin", Configuration, "net10.0", $"{assembly}.dll");

    static string ServiceDll(string service) => Dll(Path.Combine("services", service), $"Channel.{service}");

    static List<string> References(string dll)
    {
        using var stream = File.OpenRead(dll);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name))];
    }

    [Fact]
    public void No_service_references_another_service()
    {
        foreach (var service in services.Append("Gateway"))
        {
            var others = services.Append("Gateway").Where(s => s != service).Select(s => $"Channel.{s}");
            Assert.Empty(References(ServiceDll(service)).Intersect(others));
        }
    }

    [Fact]
    public void The_gateway_takes_the_web_defaults_and_nothing_of_messaging_or_databases()
    {
        string[] forbidden = ["Channel.Messaging", "MassTransit", "MassTransit.Abstractions", "MassTransit.RabbitMqTransport", "Npgsql", "Dapper", "dbup-core",
            "dbup-postgresql", "RabbitMQ.Client"];
        Assert.Empty(References(ServiceDll("Gateway")).Intersect(forbidden));
        Assert.Empty(References(Dll("shared/Channel.Hosting", "Channel.Hosting")).Intersect(forbidden));
        Assert.True(Types.FromFile(ServiceDll("Gateway")).ShouldNot().HaveDependencyOnAny("Channel.Messaging", "MassTransit", "Npgsql", "Dapper")
            .GetResult().IsSuccessful);
    }

    [Fact]
    public void Shared_code_is_plumbing_that_knows_no_business_events_or_rules()
    {
        Assert.DoesNotContain("Channel.Contracts", References(Dll("shared/Channel.Hosting", "Channel.Hosting")));
        Assert.DoesNotContain("Channel.Contracts", References(Dll("shared/Channel.Messaging", "Channel.Messaging")));
    }

    [Theory]
    [MemberData(nameof(CommitPaths))]
    public void Only_the_commit_path_writes_the_outbox(string service, string? commitPath)
    {
        var writers = OutboxWriters(service);

        Assert.Equal(commitPath is null ? new List<string>() : [commitPath], writers);
    }

    /// <summary>The tables whose rows are the service's own aggregates (versioned, announced).</summary>
    public static TheoryData<string, string, string> Aggregates => new()
    {
        { "Partners", "partners", "Partners.cs" },
        { "Deals", "deals", "Deals.cs" },
        { "Distributors", "authorizations", "Distributors.cs" },
        { "Identity", "accounts", "Accounts.cs" },
        { "Pricing", "authorizations", "Ledger.cs" },
        { "Pricing", "claims", "Ledger.cs" },
        { "Compliance", "decisions", "Decisions.cs" },
    };

    [Theory]
    [MemberData(nameof(Aggregates))]
    public void Only_the_commit_path_changes_an_aggregates_row(string service, string table, string commitPath)
    {
        var writes = new Regex($@"\b(update|insert\s+into|delete\s+from)\s+{table}\b", RegexOptions.IgnoreCase);
        var writers = Sources(service).Where(f => writes.IsMatch(File.ReadAllText(f))).Select(Path.GetFileName).ToList();

        Assert.Equal([commitPath], writers);
    }

    [Fact]
    public void Statuses_cross_service_boundaries_only_as_the_contracts_name_them()
    {
        var statuses = string.Join('|', PartnerStatus.All.Concat(DealStatus.All).Concat(PriceAuthorizationStatus.All).Concat(ClaimStatus.All).Distinct());
        // A status written out in SQL ('active') or compared in code (== "active", is "won"): each must be the contracts' constant.
        var literal = new Regex($@"'({statuses})'|(==|!=|\bis|\bcase)\s*""({statuses})""");
        var found = services.SelectMany(Sources)
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: Path.GetRelativePath(TestEnvironment.Root, f), Line: i + 1, Text: line)))
            .Where(l => literal.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(found.Count == 0, "status literals instead of the contracts' constants:\n" + string.Join('\n', found));
    }

    [Fact]
    public void The_rules_can_fail()
    {
        // The literal rule finds what it looks for (a check that finds nothing anywhere would pass whatever the code said).
        var statuses = string.Join('|', PartnerStatus.All.Concat(DealStatus.All));
        var literal = new Regex($@"'({statuses})'|(==|!=|\bis|\bcase)\s*""({statuses})""");
        Assert.Matches(literal, "where status = 'active'");
        Assert.Matches(literal, "if (status == \"won\")");
        Assert.DoesNotMatch(literal, "where status = '{PartnerStatus.Active}'");
        // The outbox rule sees the commit path's dependency (were it looking at nothing, every theory above would pass).
        Assert.NotEmpty(OutboxWriters("Deals"));
    }

    /// <summary>The service's types that use the outbox (a nested type, such as a lambda or an async method, counts as its declaring type).</summary>
    static List<string> OutboxWriters(string service)
    {
        // Every type that depends on the outbox fails "should not depend on the outbox": the failures name them all.
        var result = Types.FromFile(ServiceDll(service)).That().HaveDependencyOn("Channel.Messaging.Outbox")
            .ShouldNot().HaveDependencyOn("Channel.Messaging.Outbox").GetResult();
        return [.. (result.FailingTypeNames ?? []).Select(n => n.Split('/', '+')[0]).Distinct().Order()];
    }

    static IEnumerable<string> Sources(string service) =>
        Directory.EnumerateFiles(Path.Combine(TestEnvironment.Root, "services", service), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
}
