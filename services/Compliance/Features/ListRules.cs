using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>The public-sector rules of the version in force now, or as of a past moment (with their effective dates: a rule may be known before it takes effect).</summary>
public static class ListRules
{
    public sealed record Answer(int Version, DateTimeOffset? AsOf, IReadOnlyList<Rule> Rules);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/rules", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Answer>().WithSummary("The public-sector rules (now, or as of a moment)");

    static async Task<IResult> Handle(NpgsqlDataSource db, Catalog catalog, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var versions = await Catalog.At(conn, null, asOf, ct);
        var book = await catalog.Rules(conn, null, versions.Rules, ct);
        return TypedResults.Ok(new Answer(book.Version, asOf, book.Rules));
    }
}
