using System.Security.Claims;
using Channel.Hosting.Auth;
using Dapper;
using Npgsql;

namespace Channel.Partners.Features;

/// <summary>Every change to a partner, oldest first: what, who, why. Staff and the partner's own users.</summary>
public static class GetPartnerHistory
{
    public sealed class Entry
    {
        public int Version { get; set; }
        public string Action { get; set; } = "";
        public string Actor { get; set; } = "";
        public string? Reason { get; set; }
        public System.Text.Json.Nodes.JsonNode? Changes { get; set; }
        public DateTimeOffset At { get; set; }
    }

    const string Sql = """
        select version, action, actor, reason, changes::text as changes_json, at
        from partner_audit where partner_id = @Id order by id
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/{id:guid}/history", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<Entry[]>().ProducesProblem(404).WithSummary("A partner's audit history");

    static async Task<IResult> Handle(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.SeesEverything && caller.PartnerId != id) return Partners.NotFound(id);
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync(new CommandDefinition(Sql, new { Id = id }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return Partners.NotFound(id);
        return TypedResults.Ok(rows.Select(r => new Entry
        {
            Version = r.version,
            Action = r.action,
            Actor = r.actor,
            Reason = r.reason,
            Changes = System.Text.Json.Nodes.JsonNode.Parse((string)r.changes_json),
            At = r.at is DateTime dt ? new DateTimeOffset(dt, TimeSpan.Zero) : (DateTimeOffset)r.at,
        }));
    }
}
