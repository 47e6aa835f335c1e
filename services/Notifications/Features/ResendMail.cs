using Channel.Hosting.Auth;
using Channel.Notifications.Mail;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// An operator has fixed what made a mail fail (the relay, an address) and does not want to wait
/// for its next attempt: the mail is due at once. A mail already sent is sent again only if asked
/// (<c>?again=true</c>); otherwise 409.
/// </summary>
public static class ResendMail
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/admin/mails/{id:long}/resend", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .Produces<ListMails.Mail>(StatusCodes.Status202Accepted).ProducesProblem(404).ProducesProblem(409)
            .WithSummary("Send a mail now (again)");

    static async Task<IResult> Handle(long id, bool? again, NpgsqlDataSource db, MailSender sender, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var mail = await conn.QuerySingleOrDefaultAsync<ListMails.Mail>(new CommandDefinition($"""
            update mails set next_attempt_at = now(), sent_at = case when @again then null else sent_at end
            where id = @id and (sent_at is null or @again)
            returning {ListMails.Columns}
            """, new { id, again = again ?? false }, cancellationToken: ct));
        if (mail is not null)
        {
            sender.WakeSoon();
            return TypedResults.Accepted($"/api/notifications/admin/mails?before={id + 1}&limit=1", mail);
        }
        var exists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from mails where id = @id)", new { id }, cancellationToken: ct));
        return exists
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The mail was sent.", detail: $"mail {id} was sent; ask with again=true to send it again.")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mail.", detail: $"mail {id} was not found.");
    }
}
