using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>The screening list entries in force now, or as of a past moment; searched by name, alternate name or domain.</summary>
public static class ListScreeningEntries
{
    public sealed record Listing(IReadOnlyList<ListEntry> Items, int Page, int PageSize, long Total, int Version);

    const string Sql = """
        select entry_key, origin, name, alt_names, domains, addresses, countries, source_list, programs, start_date, end_date, remarks,
               count(*) over () as total
        from list_entries
        where from_version <= @version and (to_version is null or to_version > @version)
          and (@q::text is null or name ilike @like or array_to_string(alt_names, ' ') ilike @like or array_to_string(domains, ' ') ilike @like)
          and (@source::text is null or source_list = @source)
        order by name, entry_key
        limit @pageSize offset @offset
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/lists/entries", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Listing>().ProducesValidationProblem().WithSummary("The screening list entries (now, or as of a moment)");

    static async Task<IResult> Handle(NpgsqlDataSource db, CancellationToken ct, string? q = null, string? source = null, DateTimeOffset? asOf = null,
        int page = 1, int pageSize = 50)
    {
        var check = new Check();
        q = check.Text("q", q, 200, required: false);
        source = check.Text("source", source, 300, required: false);
        check.Range("page", (int?)page, 1, 100_000);
        check.Range("pageSize", (int?)pageSize, 1, 500);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        var versions = await Catalog.At(conn, null, asOf, ct);
        var rows = (await conn.QueryAsync<ListEntry, long, (ListEntry Entry, long Total)>(new CommandDefinition(Sql, new
        {
            version = versions.List,
            q,
            like = q is null ? null : Like.Containing(q),
            source,
            pageSize,
            offset = (page - 1) * pageSize,
        }, cancellationToken: ct), (entry, total) => (entry, total), splitOn: "total")).ToList();
        return TypedResults.Ok(new Listing([.. rows.Select(r => r.Entry)], page, pageSize, rows.Count == 0 ? 0 : rows[0].Total, versions.List));
    }
}
