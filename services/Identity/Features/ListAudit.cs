using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>The audit trail, for admins: sign-ins, failures, lockouts, password and factor changes, revocations; newest first, by account or kind, paged by <c>before</c>.</summary>
public static class ListAudit
{
    public sealed class Entry
    {
        public long Id { get; set; }
        public DateTimeOffset At { get; set; }
        public Guid? AccountId { get; set; }
        public string? Email { get; set; }
        public string Kind { get; set; } = "";
        public string? ClientIp { get; set; }
        public string? ClientId { get; set; }
        public string? Detail { get; set; }
    }

    public sealed record Page(IReadOnlyList<Entry> Items, long? NextBefore);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", Handle).RequireAuthorization(Policies.Admin).Produces<Page>().ProducesValidationProblem().WithValues("kind", Audit.All)
            .WithSummary("The sign-in audit trail");

    static async Task<IResult> Handle(Guid? accountId, string? kind, string? email, long? before, int? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        var check = new Check();
        kind = check.OneOf("kind", kind, Audit.All, required: false);
        email = check.Text("email", email, max: 320, required: false);
        var take = check.Range("limit", limit, 1, 500, required: false) ?? 100;
        if (before is < 1) check.Add("before", "must be an audit entry id");
        if (check.Failed) return check.Problem();
        await using var connection = await db.OpenConnectionAsync(ct);
        var items = (await connection.QueryAsync<Entry>(new CommandDefinition("""
            select id, at, account_id, email, kind, client_ip, client_id, detail from audit
            where (@before::bigint is null or id < @before) and (@accountId::uuid is null or account_id = @accountId)
              and (@kind::text is null or kind = @kind) and (@email::text is null or lower(email) = lower(@email))
            order by id desc limit @take
            """, new { before, accountId, kind, email, take = take + 1 }, cancellationToken: ct))).AsList();
        long? next = null;
        if (items.Count > take)
        {
            items.RemoveAt(take);
            next = items[^1].Id;
        }
        return TypedResults.Ok(new Page(items, next));
    }
}
