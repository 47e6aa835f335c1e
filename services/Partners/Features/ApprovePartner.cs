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
        return await Partners.Move(db, outbox, clock, user, id, [Status.Applied], Status.Active, "approved", "approved", ct, tier: tier,
            announce: (p, caller, now) => new PartnerApproved
            {
                PartnerId = id,
                Version = p.Version,
                OccurredAt = now,
                LegalName = p.LegalName,
                Country = p.Country,
                Region = p.Region,
                Status = p.Status,
                Tier = p.Tier!,
                Actor = caller.Subject,
            });
    }
}
