using Channel.Contracts.Partners;
using Channel.Notifications.Mail;
using Dapper;
using Npgsql;

namespace Channel.Notifications;

/// <summary>A person this service writes to; the subject is who they are in a token (their preferences are kept by it).</summary>
public sealed record Recipient(string Subject, string Email, string Name);

/// <summary>
/// Who hears about a partner or a distributor: its users, kept from the owner's events (each user
/// change is the owner's next version, so the highest version wins, removals included).
/// </summary>
public static class Recipients
{
    public const string Partner = "partner";
    public const string Distributor = "distributor";

    const string UpsertOwner = """
        insert into owners (kind, id, name, status, version) values (@Kind, @Id, @Name, @Status, @Version)
        on conflict (kind, id) do update set name = excluded.name, status = excluded.status, version = excluded.version
        where owners.version < excluded.version
        """;

    const string UpsertUser = """
        insert into recipients (user_id, owner_kind, owner_id, name, email, role, removed, version)
        values (@UserId, @Kind, @OwnerId, @Name, @Email, @Role, @Removed, @Version)
        on conflict (user_id) do update set name = excluded.name, email = excluded.email, role = excluded.role,
            removed = excluded.removed, version = excluded.version
        where recipients.version < excluded.version
        """;

    // An owner this service has not heard of yet counts as able to hear (its users came from its events).
    const string OfOwner = $"""
        select r.user_id::text as subject, r.email, r.name from recipients r
        left join owners o on o.kind = r.owner_kind and o.id = r.owner_id
        where r.owner_kind = @Kind and r.owner_id = @Id and not r.removed and coalesce(o.status, '{PartnerStatus.Active}') = any(@Listening)
        order by r.email
        """;

    /// <summary>Statuses whose users hear about their business: an applicant, or an active one; never a suspended, terminated or rejected one.</summary>
    static readonly string[] Listening = [PartnerStatus.Active, PartnerStatus.Applied, PartnerStatus.OnHold];

    public static Task Owner(NpgsqlTransaction tx, string kind, Guid id, string name, string status, int version, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertOwner, new { Kind = kind, Id = id, Name = name, Status = status, Version = version },
            tx, cancellationToken: ct));

    public static Task User(NpgsqlTransaction tx, string kind, Guid ownerId, Guid userId, string name, string email, string role, bool removed,
        int version, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertUser, new
        {
            UserId = userId,
            Kind = kind,
            OwnerId = ownerId,
            Name = name,
            Email = email,
            Role = role,
            Removed = removed,
            Version = version,
        }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Recipient>> Of(NpgsqlTransaction tx, string kind, Guid id, CancellationToken ct) =>
        [.. await tx.Connection!.QueryAsync<Recipient>(new CommandDefinition(OfOwner, new { Kind = kind, Id = id, Listening }, tx, cancellationToken: ct))];

    const string UpsertStaff = """
        insert into staff (account_id, name, email, role, active, version) values (@AccountId, @Name, @Email, @Role, @Active, @Version)
        on conflict (account_id) do update set name = excluded.name, email = excluded.email, role = excluded.role,
            active = excluded.active, version = excluded.version
        where staff.version < excluded.version
        """;

    /// <summary>A staff account as an account event gives it (an invited or enabled one hears; a disabled or removed one not).</summary>
    public static Task StaffAccount(NpgsqlTransaction tx, Guid accountId, int version, Channel.Contracts.Identity.AccountState account, CancellationToken ct) =>
        !Channel.Contracts.Identity.AccountRoles.Staff.Contains(account.Role) ? Task.CompletedTask
            : tx.Connection!.ExecuteAsync(new CommandDefinition(UpsertStaff, new
            {
                AccountId = accountId,
                account.Name,
                account.Email,
                account.Role,
                Active = account.Status is "invited" or "enabled",
                Version = version,
            }, tx, cancellationToken: ct));

    /// <summary>The vendor's staff in these roles: their accounts at the Identity service, and any configuration names (one mail per address).</summary>
    public static async Task<IReadOnlyList<Recipient>> Staff(NpgsqlTransaction tx, MailOptions options, CancellationToken ct, params string[] roles)
    {
        var accounts = await tx.Connection!.QueryAsync<Recipient>(new CommandDefinition(
            "select account_id::text as subject, email, name from staff where active and role = any(@roles) order by email",
            new { roles }, tx, cancellationToken: ct));
        return [.. accounts
            .Concat(options.Staff.Where(s => roles.Contains(s.Role) && !string.IsNullOrWhiteSpace(s.Email)).Select(s => new Recipient(s.Subject, s.Email, s.Name)))
            .DistinctBy(r => r.Email.ToLowerInvariant())];
    }

    /// <summary>A partner's or distributor's name, as its last event gave it; null before any.</summary>
    public static Task<string?> OwnerName(NpgsqlTransaction tx, string kind, Guid id, CancellationToken ct) =>
        tx.Connection!.ExecuteScalarAsync<string?>(new CommandDefinition("select name from owners where kind = @kind and id = @id",
            new { kind, id }, tx, cancellationToken: ct));

    /// <summary>
    /// An owner's users as a replay lists them at its version: each listed one is a user, and any
    /// other this service kept from an earlier version is not (a removal it never heard of).
    /// </summary>
    public static async Task Users(NpgsqlTransaction tx, string kind, Guid ownerId, int version,
        IEnumerable<(Guid UserId, string Name, string Email, string Role)> users, CancellationToken ct)
    {
        var listed = users.ToList();
        foreach (var u in listed)
            await User(tx, kind, ownerId, u.UserId, u.Name, u.Email, u.Role, removed: false, version, ct);
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            update recipients set removed = true, version = @version
            where owner_kind = @kind and owner_id = @ownerId and not removed and version < @version and user_id <> all(@listed)
            """, new { kind, ownerId, version, listed = listed.Select(u => u.UserId).ToArray() }, tx, cancellationToken: ct));
    }
}
