using Channel.Hosting.Auth;
using Channel.Identity.Keys;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>
/// The provider's keys, for admins: which are published, which signs now; and a rotation on demand.
/// A rotation makes a new key that signs at once (earlier tokens stay valid until they expire, their
/// keys still published); with <c>revokeOthers</c>, for a key that may have leaked, every earlier key
/// is withdrawn and what it signed is refused.
/// </summary>
public static class RotateKeys
{
    public sealed record Request(bool? RevokeOthers);
    public sealed record Key(string Id, string Use, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool SignsNow);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/admin/keys", (KeyRing ring) => TypedResults.Ok(Keys(ring)))
            .RequireAuthorization(Policies.Admin).WithTags("operations").WithSummary("The signing and encryption keys");
        api.MapPost("/admin/keys/rotate", async (Request request, KeyRing ring, HttpContext http, NpgsqlDataSource db, CancellationToken ct) =>
        {
            await ring.Rotate(request.RevokeOthers ?? false, ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            await Audit.Record(connection, Audit.KeysRotated, null, null, http, ct,
                $"by {Caller.From(http.User).Subject}{(request.RevokeOthers == true ? ", earlier keys withdrawn" : "")}");
            return TypedResults.Ok(Keys(ring));
        }).RequireAuthorization(Policies.Admin).WithTags("operations").WithSummary("Rotate the keys now");
    }

    static List<Key> Keys(KeyRing ring)
    {
        var signing = ring.CurrentSigningKey.Id;
        return [.. ring.Keys.Select(k => new Key(k.Id, k.Use, k.NotBefore, k.NotAfter, k.Id == signing))];
    }
}
