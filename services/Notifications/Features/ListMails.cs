using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Features;

/// <summary>
/// The mail log, for operators: every mail owed, newest first, where it stands (<c>pending</c>: not
/// tried yet; <c>failing</c>: tried and waiting for its next attempt, with the last error; <c>sent</c>),
/// filtered by status, kind or recipient, paged by <c>before</c>.
/// </summary>
public static class ListMails
{
    public static readonly string[] Statuses = ["pending", "failing", "sent"];

    public sealed class Mail
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Recipient { get; set; } = "";
        public string Subject { get; set; } = "";
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public string? LastError { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? NextAttemptAt { get; set; }
        public DateTimeOffset? SentAt { get; set; }
    }

    public sealed record Page(IReadOnlyList<Mail> Items, long? NextBefore);

    public const string Columns = """
        id, kind, recipient, subject,
        case when sent_at is not null then 'sent' when attempts = 0 then 'pending' else 'failing' end as status,
        attempts, last_error, created_at, case when sent_at is null then next_attempt_at end as next_attempt_at, sent_at
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/admin/mails", Handle).RequireAuthorization(Policies.Admin).WithTags("operations")
            .Produces<Page>().ProducesValidationProblem().WithValues("status", Statuses).WithSummary("The mail log: what was sent, what waits, what fails and why");

    static async Task<IResult> Handle(string? status, string? kind, string? recipient, long? before, int? limit, NpgsqlDataSource db, CancellationToken ct)
    {
        var check = new Check();
        status = check.OneOf("status", status, Statuses, required: false);
        kind = check.Text("kind", kind, max: 100, required: false);
        recipient = check.Text("recipient", recipient, max: 320, required: false);
        var take = check.Range("limit", limit, 1, 500, required: false) ?? 50;
        if (before is < 1) check.Add("before", "must be a mail id");
        if (check.Failed) return check.Problem();

        await using var conn = await db.OpenConnectionAsync(ct);
        var items = (await conn.QueryAsync<Mail>(new CommandDefinition($"""
            select * from (select {Columns} from mails
                where (@before::bigint is null or id < @before) and (@kind::text is null or kind = @kind)
                  and (@recipient::text is null or lower(recipient) = lower(@recipient))) m
            where @status::text is null or m.status = @status
            order by id desc limit @take
            """, new { before, kind, recipient, status, take = take + 1 }, cancellationToken: ct))).AsList();
        long? next = null;
        if (items.Count > take)
        {
            items.RemoveAt(take);
            next = items[^1].Id;
        }
        return TypedResults.Ok(new Page(items, next));
    }
}
