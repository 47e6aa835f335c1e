using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// A compliance officer screens a name (and optionally a domain, a place, a customer type, funding and products)
/// against the list and rules in force now or as of a past moment, without storing anything: the answer an import or
/// a rule change would give before it is made, or what was known at a date.
/// </summary>
public static class ScreenParty
{
    public sealed record Request(string? Name, List<string>? OtherNames, string? Domain, string? Country, string? Region,
        [property: ValuesFrom(typeof(CustomerTypes))] string? CustomerType,
        [property: ValuesFrom(typeof(FundingSources))] string? FundingSource,
        List<string>? Products, string? Attestation, DateTimeOffset? AsOf);

    public sealed record Answer(DateTimeOffset AsOf, Verdict Verdict);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/screenings", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Answer>().ProducesValidationProblem().WithSummary("Screen a party now or as of a moment (nothing is stored)");

    /// <summary>Each text of a list checked (at most <paramref name="most"/> of them).</summary>
    public static string[] Texts(Check check, string field, List<string>? values, int most, int max)
    {
        if (values is null) return [];
        if (values.Count > most) { check.Add(field, $"at most {most}"); return []; }
        return [.. values.Select((v, i) => check.Text($"{field}[{i}]", v, max)).OfType<string>()];
    }

    static async Task<IResult> Handle(Request request, NpgsqlDataSource db, Decisions decisions, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var name = check.Text("name", request.Name, 500);
        var others = Texts(check, "otherNames", request.OtherNames, 20, 500);
        var domain = check.Domain("domain", request.Domain, required: false);
        var country = check.Country("country", request.Country, required: false);
        var region = check.Text("region", request.Region, 100, required: false);
        var type = check.OneOf("customerType", request.CustomerType, CustomerTypes.All, required: false);
        var funding = check.OneOf("fundingSource", request.FundingSource, FundingSources.All, required: false);
        var products = Texts(check, "products", request.Products, 200, 60);
        var attestation = check.Text("attestation", request.Attestation, 40, required: false);
        var now = clock.GetUtcNow();
        if (request.AsOf > now) check.Add("asOf", "must not be in the future");
        if (check.Failed) return check.Problem();
        var inputs = new Inputs
        {
            Name = name!,
            OtherNames = others,
            Domain = domain,
            Country = country?.ToUpperInvariant(),
            Region = region,
            CustomerType = type,
            FundingSource = funding,
            Products = products,
            Attestation = attestation,
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        var verdict = await decisions.Evaluate(conn, null, inputs, request.AsOf, new HashSet<string>(), ct);
        return TypedResults.Ok(new Answer(request.AsOf ?? now, verdict));
    }
}
