using System.Security.Claims;
using Channel.Contracts.Pricing;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>Claims, newest first, filtered and paged: a distributor its own; staff any distributor's. Partners have none to see (403).</summary>
public static class ListClaims
{
    public sealed record Answer(IReadOnlyList<Claim> Items, int Page, int PageSize, long Total);

    const string Filter = """
        from claims
        where (@All or distributor_id = @ScopeDistributor)
          and (@DistributorId::uuid is null or distributor_id = @DistributorId)
          and (@Status::text is null or status = @Status)
          and (@Number::text is null or claim_number = @Number)
          and (not @Open or pending_lines > 0 or disputed_lines > 0)
          and (@From::date is null or received_at >= @From)
          and (@To::date is null or received_at < @To + 1)
        """;

    const string Sql = $"""
        select * {Filter} order by received_at desc, id desc limit @PageSize offset @Offset;
        select count(*) {Filter};
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/claims", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Answer>().ProducesValidationProblem().ProducesProblem(403).WithValues("status", [.. ClaimStatus.All]).WithSummary("List and filter ship-and-debit claims");

    static async Task<IResult> Handle(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct, Guid? distributorId = null, string? status = null,
        string? number = null, bool? open = null, DateOnly? from = null, DateOnly? to = null, int? page = null, int? pageSize = null)
    {
        var caller = Caller.From(user);
        if (!caller.SeesEverything && caller.Role != Roles.Distributor) return TypedResults.Forbid();
        var check = new Check();
        check.OneOf("status", status, [.. ClaimStatus.All], required: false);
        check.Text("number", number, 60, required: false);
        var pageNumber = check.Range("page", page ?? 1, 1, 100_000) ?? 1;
        var size = check.Range("pageSize", pageSize ?? 50, 1, 500) ?? 50;
        if (from > to) check.Add("to", "must not be before from");
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenSnapshotAsync(ct);
        using var results = await conn.QueryMultipleAsync(new CommandDefinition(Sql, new
        {
            All = caller.SeesEverything,
            ScopeDistributor = caller.DistributorId,
            DistributorId = distributorId,
            Status = status,
            Number = number,
            Open = open ?? false,
            From = from,
            To = to,
            PageSize = size,
            Offset = (pageNumber - 1) * size,
        }, cancellationToken: ct));
        var items = (await results.ReadAsync<Claim>()).ToList();
        return TypedResults.Ok(new Answer(items, pageNumber, size, await results.ReadSingleAsync<long>()));
    }
}
