using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager moves an active or suspended partner to another tier, saying why.</summary>
public static class ChangePartnerTier
{
    public sealed record Request(string? Tier, string? Reason);

    sealed class Row
    {
        public string Status { get; set; } = "";
        public string? Tier { get; set; }
    }

    const string Current = "select status, tier from partners where id = @Id for update";

    const string Update = $"""
        update partners set tier = @Tier, updated_at = @Now, version = version + 1
        where id = @Id
        returning {Partners.Columns}
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/tier", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Change a partner's tier, with a reason");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var tier = check.OneOf("tier", request.Tier, Tiers.All);
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await conn.QuerySingleOrDefaultAsync<Row>(
            new CommandDefinition(Current, new { Id = id }, tx, cancellationToken: ct));
        if (current is null) return Partners.NotFound(id);
        if (current.Status is not (Status.Active or Status.Suspended))
            return await Partners.NotFoundOrWrongState(tx, id, "moved to another tier", ct);
        if (current.Tier == tier)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The partner is already {tier}.",
                extensions: new Dictionary<string, object?> { ["currentStatus"] = current.Status, ["currentTier"] = tier });

        var partner = await conn.QuerySingleAsync<Partner>(new CommandDefinition(Update, new { Id = id, Tier = tier, Now = now }, tx, cancellationToken: ct));
        var previous = current.Tier ?? "registered";
        await Partners.Audit(tx, partner, "tier_changed", caller, reason, new { tier = new { from = previous, to = tier } }, now, ct);
        await outbox.Add(tx, new PartnerTierChanged
        {
            PartnerId = id,
            Version = partner.Version,
            OccurredAt = now,
            LegalName = partner.LegalName,
            Country = partner.Country,
            Region = partner.Region,
            Status = partner.Status,
            Tier = tier!,
            PreviousTier = previous,
            Reason = reason!,
            Actor = caller.Subject,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(partner);
    }
}
