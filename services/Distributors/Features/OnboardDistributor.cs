using System.Security.Claims;
using System.Text.Json;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Distributors.Features;

/// <summary>A channel manager onboards a distributor: the countries and regions it serves, and its contacts. Takes an Idempotency-Key.</summary>
public static class OnboardDistributor
{
    public sealed record Contact(string? Name, string? Email, string? Phone, string? Role);

    public sealed record Request(string? Name, List<string>? Countries, List<string>? Regions, List<Contact>? Contacts);

    const string Insert = $"""
        insert into distributors (id, name, countries, regions, contacts, created_at, created_by, updated_at, version)
        values (@Id, @Name, @Countries, @Regions, @Contacts::jsonb, @Now, @Actor, @Now, 1)
        returning {Distributors.Columns}
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Distributor>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(409)
            .WithSummary("Onboard a distributor");

    static async Task<IResult> Handle(Request request, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Distributors distributors,
        Idempotency idempotency, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var name = check.Text("name", request.Name);
        var countries = new List<string>();
        if (request.Countries is null || request.Countries.Count == 0) check.Add("countries", "at least one country is required");
        else for (var i = 0; i < Math.Min(request.Countries.Count, 300); i++)
            if (check.Country($"countries[{i}]", request.Countries[i]) is { } c) countries.Add(c);
        var regions = Regions(check, "regions", request.Regions);
        var contacts = new List<object>();
        for (var i = 0; i < (request.Contacts?.Count ?? 0); i++)
        {
            var contact = request.Contacts![i];
            var contactName = check.Text($"contacts[{i}].name", contact?.Name);
            var email = check.Email($"contacts[{i}].email", contact?.Email);
            var phone = check.Text($"contacts[{i}].phone", contact?.Phone, 40, required: false);
            var role = check.Text($"contacts[{i}].role", contact?.Role, 60, required: false);
            contacts.Add(new { name = contactName, email, phone, role });
        }
        var caller = Caller.From(user);
        var key = idempotency.Read(http, caller, "onboard-distributor", request, check);
        if (check.Failed) return check.Problem();

        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await idempotency.Begin(tx, key, ct) is { } earlier) return earlier;
        Distributor distributor;
        try
        {
            distributor = (await Distributors.Query(conn, Insert, new
            {
                Id = Guid.CreateVersion7(),
                Name = name,
                Countries = countries.Distinct().ToArray(),
                Regions = regions!,
                Contacts = JsonSerializer.Serialize(contacts),
                Now = now,
                Actor = caller.Subject,
            }, tx, ct)).Single();
        }
        catch (PostgresException e) when (e.IsUniqueViolation("distributors_name_unique"))
        {
            return TypedResults.Problem(statusCode: 409, title: "A distributor with this name exists.",
                extensions: new Dictionary<string, object?> { ["field"] = "name" });
        }
        await distributors.Onboarded(tx, distributor, caller.Subject, ct);
        var location = $"/api/distributors/{distributor.Id}";
        await idempotency.Remember(tx, key, StatusCodes.Status201Created, location, distributor, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, distributor);
    }

    /// <summary>Region codes (such as CA or ON): 1 to 200 of them, each short, upper-cased.</summary>
    public static string[]? Regions(Check check, string field, List<string>? values)
    {
        if (values is null || values.Count == 0) { check.Add(field, "at least one region is required"); return null; }
        if (values.Count > 200) { check.Add(field, "at most 200 regions"); return null; }
        var regions = new List<string>();
        for (var i = 0; i < values.Count; i++)
            if (check.Text($"{field}[{i}]", values[i], 20) is { } r) regions.Add(r.ToUpperInvariant());
        return [.. regions.Distinct()];
    }
}
