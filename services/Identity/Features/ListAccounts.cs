using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Identity.Features;

/// <summary>Every account, for the vendor's channel managers and admins: by status, role, partner, distributor or a search of name and address, paged.</summary>
public static class ListAccounts
{
    public static readonly string[] Statuses = [AccountStatus.Invited, AccountStatus.Enabled, AccountStatus.Disabled, AccountStatus.Removed];

    public sealed record Page(IReadOnlyList<AccountView> Items, int Total, int PageNumber, int PageSize);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/accounts", Handle).RequireAuthorization(Policies.ChannelManager)
            .Produces<Page>().ProducesValidationProblem().WithValues("status", Statuses).WithValues("role", Roles.All).WithSummary("List accounts");

    static async Task<IResult> Handle(string? status, string? role, Guid? partnerId, Guid? distributorId, string? search, int? page, int? pageSize,
        NpgsqlDataSource db, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        status = check.OneOf("status", status, Statuses, required: false);
        role = check.OneOf("role", role, Roles.All, required: false);
        search = check.Text("search", search, max: 200, required: false);
        var number = check.Range("page", page, 1, 100_000, required: false) ?? 1;
        var size = check.Range("pageSize", pageSize, 1, 200, required: false) ?? 50;
        if (check.Failed) return check.Problem();
        await using var connection = await db.OpenSnapshotAsync(ct);
        var args = new
        {
            status,
            role,
            partnerId,
            distributorId,
            search = search is null ? null : $"%{search.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_")}%",
            size,
            offset = (number - 1) * size
        };
        const string Where = """
            where (@status::text is null or a.status = @status) and (@role::text is null or a.role = @role)
              and (@partnerId::uuid is null or a.partner_id = @partnerId) and (@distributorId::uuid is null or a.distributor_id = @distributorId)
              and (@search::text is null or a.name ilike @search or a.email ilike @search)
            """;
        var rows = await connection.QueryAsync<Account>(new CommandDefinition(
            $"select {Accounts.Columns} from {Accounts.From} {Where} order by lower(a.email), a.id limit @size offset @offset", args, cancellationToken: ct));
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"select count(*) from accounts a {Where}", args, cancellationToken: ct));
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page([.. rows.Select(a => AccountView.Of(a, now))], total, number, size));
    }
}
