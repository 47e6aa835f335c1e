using Dapper;
using Npgsql;

namespace Channel.Distributors.Consumers;

/// <summary>A suspended or terminated partner's authorizations end, each published as revoked.</summary>
public static class EndAuthorizations
{
    public static async Task For(NpgsqlTransaction tx, Channel.Hosting.Messaging.Outbox outbox, Guid partnerId, string why, DateTimeOffset now,
        CancellationToken ct)
    {
        var active = await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(
            "select id from authorizations where partner_id = @partnerId and active for update", new { partnerId }, tx, cancellationToken: ct));
        foreach (var id in active)
            await Distributors.RevokeAuthorization(tx, outbox, id, "system", why, now, ct);
    }
}
