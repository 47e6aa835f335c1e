using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Notifications.Mail;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// The caller changes their own preferences: <c>{"settings": {"deal-approved": "off", "deal-registered": "daily"}}</c>.
/// Only the kinds named change; a kind their role does not receive, a setting it does not offer, or
/// turning off security mail is refused by field (<c>settings.&lt;kind&gt;</c>) and nothing is saved.
/// </summary>
public static class ChangePreferences
{
    public sealed record Request(Dictionary<string, string?>? Settings);

    public static void Map(RouteGroupBuilder api) =>
        api.MapPut("/preferences", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<GetPreferences.Preferences>().ProducesValidationProblem().WithSummary("Change your mail preferences");

    static async Task<IResult> Handle(Request request, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = Caller.From(user);
        var check = new Check();
        if (request.Settings is null || request.Settings.Count == 0) check.Add("settings", "name at least one kind of mail and its setting");
        else if (request.Settings.Count > MailKinds.All.Count) check.Add("settings", $"name at most {MailKinds.All.Count} kinds");
        if (check.Failed) return check.Problem();
        var mine = MailKinds.For(caller.Role).ToDictionary(k => k.Name);
        var changes = new List<(string Kind, string Setting)>();
        foreach (var (kind, setting) in request.Settings ?? [])
        {
            var field = $"settings.{kind}";
            if (!mine.TryGetValue(kind, out var known)) { check.Add(field, "is not a kind of mail you receive (GET /api/notifications/preferences lists them)"); continue; }
            if (known.Security && setting != MailKinds.On) { check.Add(field, "is security mail: it cannot be turned off"); continue; }
            if (check.OneOf(field, setting, known.Choices) is { } valid) changes.Add((kind, valid));
        }
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var (kind, setting) in changes)
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into preferences (subject, kind, setting) values (@Subject, @kind, @setting)
                on conflict (subject, kind) do update set setting = excluded.setting, updated_at = now()
                """, new { caller.Subject, kind, setting }, tx, cancellationToken: ct));
        var now = await GetPreferences.Load(conn, tx, caller, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(now);
    }
}
