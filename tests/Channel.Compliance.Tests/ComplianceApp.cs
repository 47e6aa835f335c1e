using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Channel.Contracts.Compliance;
using Channel.Contracts.Deals;
using Channel.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Channel.Compliance.Tests;

/// <summary>
/// The Compliance service in process on its own database and virtual host, with a clock the tests move, loaded with
/// the demo's public-sector rules and screening list (the files <c>./channel up</c> loads). Deals reach it the only way
/// they can: as deal events on the bus; its decisions are collected as they leave.
/// </summary>
public class ComplianceApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);
    public const string Attested = "2026-1";
    public const string Section889 = "NDAA FY2019 §889(a)(1)(A)";

    public FakeTimeProvider Clock { get; } = new(Start);
    public TestDatabase Db { get; private set; } = null!;
    public TestVirtualHost Broker { get; private set; } = null!;
    public EventCollector Events { get; private set; } = null!;
    /// <summary>The messages the service finished handling, by message id (a duplicate the inbox turns away included).</summary>
    public ConsumedMessages Consumed { get; private set; } = null!;

    public static string DemoFile(string name) => File.ReadAllText(Path.Combine(TestEnvironment.Root, "infra", "compliance", name));

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.Create("compliance");
        Broker = await TestVirtualHost.Create("compliance");
        Events = await EventCollector.Start(Broker.Uri, "test-compliance-events", typeof(ScreeningDecided));
        _ = Server;
        Consumed = ConsumedMessages.Watch(Services.GetRequiredService<MassTransit.IBus>());
        foreach (var rule in JsonDocument.Parse(DemoFile("demo-rules.json")).RootElement.EnumerateArray())
            (await Officer().PostAsJsonAsync("/api/compliance/rules", rule)).EnsureSuccessStatusCode();
        (await Officer().PostAsync("/api/compliance/lists/imports?name=demo", Csv(DemoFile("demo-screening-list.csv")))).EnsureSuccessStatusCode();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Db", Db.ConnectionString);
        builder.UseSetting("RabbitMq:Uri", Broker.Uri);
        builder.UseSetting("RabbitMq:RetryLimit", "2");
        builder.UseSetting("Auth:SigningKey", TestEnvironment.SigningKeyBase64);
        builder.UseSetting("Compliance:RescreenPoll", "00:00:00.500");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    public static StringContent Csv(string text) => new(text.ReplaceLineEndings("\n") + "\n", new UTF8Encoding(false), "text/csv");

    public HttpClient Officer(string subject = "test-compliance-officer") => As("compliance-officer", subject: subject);
    public HttpClient Manager() => As("channel-manager");

    public HttpClient As(string role, Guid? partnerId = null, Guid? distributorId = null, string? subject = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(role, partnerId, distributorId, subject));
        return client;
    }

    /// <summary>An end customer as a registration describes it.</summary>
    public sealed record Customer(string Name, string Type = CustomerTypes.Commercial, string Funding = FundingSources.Own, string Country = "US",
        string Region = "CA", string? Domain = null, string? Attestation = null, params string[] Families)
    {
        public string[] Products => Families.Length == 0 ? ["switching"] : Families;
    }

    public static DealState State(Customer c, string status = DealStatus.Submitted, string screening = ScreeningOutcome.Pending) => new()
    {
        Status = status,
        PartnerId = Guid.NewGuid(),
        CustomerName = c.Name,
        CustomerDomain = c.Domain,
        CustomerCountry = c.Country,
        CustomerRegion = c.Region,
        CustomerSector = CustomerTypes.SectorOf(c.Type),
        CustomerType = c.Type,
        FundingSource = c.Funding,
        AttestationVersion = c.Attestation,
        Screening = screening,
        ProductFamilies = c.Products,
        Lines = [.. c.Products.Select(f => new DealLine { ProductFamily = f, Quantity = 1, Amount = 10_000m })],
        TotalValue = 10_000m * c.Products.Length,
        Currency = "USD",
        ExpectedClose = DateOnly.FromDateTime(Start.UtcDateTime).AddDays(60),
        SubmittedAt = Start,
    };

    /// <summary>Registers a deal as Deals would announce it and waits for the screening it asks for.</summary>
    public async Task<(Guid Deal, ScreeningDecided Decision)> Register(Customer customer, Guid? messageId = null)
    {
        var id = Guid.NewGuid();
        await Events.Publish(new DealRegistered
        {
            DealId = id,
            Version = 1,
            OccurredAt = Clock.GetUtcNow(),
            Actor = "test",
            ConflictCount = 0,
            Deal = State(customer),
        }, messageId);
        var decided = await Events.WaitFor<ScreeningDecided>(d => d.SubjectId == id.ToString());
        return (id, decided);
    }

    /// <summary>Announces a partner as the Partners service would (an application, or an approval) and waits until Compliance holds that version.</summary>
    public async Task Partner(Guid id, int version, string legalName, string domain, string status = Channel.Contracts.Partners.PartnerStatus.Applied,
        string country = "US")
    {
        var state = new Channel.Contracts.Partners.PartnerState
        {
            LegalName = legalName,
            Country = country,
            Region = "CA",
            WebsiteDomain = domain,
            PartnerType = "var",
            Status = status,
            AppliedAt = Start,
        };
        if (status == Channel.Contracts.Partners.PartnerStatus.Applied)
            await Events.Publish(new Channel.Contracts.Partners.PartnerApplied
            {
                PartnerId = id,
                Version = version,
                OccurredAt = Clock.GetUtcNow(),
                Actor = "test",
                Partner = state,
            });
        else
            await Events.Publish(new Channel.Contracts.Partners.PartnerApproved
            {
                PartnerId = id,
                Version = version,
                OccurredAt = Clock.GetUtcNow(),
                Actor = "test",
                Partner = state,
            });
        await Db.WaitFor("select count(*) from subjects where kind = 'partner' and id = @id and version = @version", args: new { id = id.ToString(), version });
    }

    /// <summary>Announces a later state of a deal (approved, won, …) and waits until Compliance holds it.</summary>
    public async Task Moves(Guid deal, int version, Customer customer, string status, string screening)
    {
        await Events.Publish(new DealApproved
        {
            DealId = deal,
            Version = version,
            OccurredAt = Clock.GetUtcNow(),
            Actor = "test",
            Deal = State(customer, status, screening),
        });
        await Db.WaitFor("select count(*) from subjects where id = @id and version = @version", args: new { id = deal.ToString(), version });
    }

    /// <summary>The decisions announced for a deal, in order.</summary>
    public List<ScreeningDecided> DecisionsFor(Guid deal) =>
        [.. Events.Of<ScreeningDecided>().Where(d => d.SubjectId == deal.ToString()).OrderBy(d => d.Sequence)];

    /// <summary>Waits until every change's re-screening has finished.</summary>
    public Task Rescreened() => Db.WaitFor("select count(*) from changes where rescreened_at is null", 0);

    public async Task<JsonElement> Get(string path, HttpClient? client = null)
    {
        var response = await (client ?? Officer()).GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async Task<JsonElement> Send(HttpMethod method, string path, object? body, int expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await Officer().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    public async Task DisposeAsyncCore()
    {
        await Events.DisposeAsync();
        await base.DisposeAsync();
        await Broker.DisposeAsync();
        await Db.DisposeAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsyncCore();
}
