using System.Security.Claims;
using Channel.Contracts.Partners;
using Channel.Hosting.Auth;
using Channel.Hosting.Messaging;
using Channel.Hosting.Web;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>A channel manager approves an application: the partner becomes active with a tier.</summary>
public static class ApprovePartner
{
    public sealed record Request(string? Tier);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/{id:guid}/approve", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Partner>().ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Approve an application with a tier");

    static async Task<IResult> Handle(Guid id, Request request, ClaimsPrincipal user, NpgsqlDataSource db, Outbox outbox,
        TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var tier = check.OneOf("tier", request.Tier, Tiers.All);
        if (check.Failed) return check.Problem();

        var caller = Caller.From(user);
        var now = clock.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var partner = await Partners.Transition(tx, id, [Status.Applied], Status.Active, now, ct, tier: tier);
        if (partner is null) return await Partners.NotFoundOrWrongState(tx, id, "approved", ct);
        await Partners.Audit(tx, partner, "approved", caller, null, new { status = Status.Active, tier }, now, ct);
        await outbox.Add(tx, new PartnerApproved
        {
            PartnerId = id,
            Version = partner.Version,
            OccurredAt = now,
            LegalName = partner.LegalName,
            Country = partner.Country,
            Region = partner.Region,
            Status = partner.Status,
            Tier = partner.Tier!,
            Actor = caller.Subject,
        }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(partner);
    }
}
