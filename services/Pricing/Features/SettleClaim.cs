using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Pricing.Features;

/// <summary>A channel manager settles an approved claim: its credit is paid with a credit memo (<c>CM-2026-000001</c>).</summary>
public static class SettleClaim
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/claims/{id:guid}/settle", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Claim>().ProducesProblem(404).ProducesProblem(409).WithSummary("Settle an approved claim with a credit memo");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, Ledger ledger, TimeProvider clock, CancellationToken ct)
    {
        // The memo number is taken only for a claim that will be settled (a sequence number lost to a refusal would leave a gap).
        await using var conn = await db.OpenConnectionAsync(ct);
        var memo = await conn.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select nextval('credit_memo_numbers') from claims where id = @id and approved_at is not null and settled_at is null", new { id }, cancellationToken: ct));
        var year = clock.GetUtcNow().Year;
        return await ledger.ChangeClaim(db, clock, user, id, null, (_, _) => null,
            (claim, _, caller, now) => claim.Settle(memo is null ? "" : $"CM-{year}-{memo:000000}", caller, now), null, ct);
    }
}
