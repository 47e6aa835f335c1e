using System.Security.Cryptography;
using Channel.Contracts.Identity;
using Channel.Messaging;
using Dapper;
using Npgsql;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity;

/// <summary>
/// The accounts table and its one commit path: an account is created and changed only here, each
/// change bumping its version and writing its event (the invitation's and reset's links among them)
/// in the caller's transaction. Revoking an account's tokens happens in the same transaction as the
/// change that ends its right to them.
/// </summary>
public sealed class Accounts(Outbox outbox, IdentitySettings settings, TimeProvider clock)
{
    public const string Columns = """
        a.id, a.email, a.name, a.role, a.organisation_role, a.partner_id, a.distributor_id, a.status, a.password_hash, a.password_changed_at,
        a.security_stamp, a.failed_sign_ins, a.locked_until, a.totp_secret, a.totp_enabled_at, a.totp_last_step, a.external_issuer,
        a.external_subject, a.last_sign_in_at, a.created_at, a.updated_at, a.version, a.source_version,
        coalesce(o.active, a.partner_id is null and a.distributor_id is null) as organisation_active, o.name as organisation_name
        """;

    public const string From = """
        accounts a left join organisations o
          on (o.kind = 'partner' and o.id = a.partner_id) or (o.kind = 'distributor' and o.id = a.distributor_id)
        """;

    const string InsertSql = """
        insert into accounts (id, email, name, role, organisation_role, partner_id, distributor_id, status, security_stamp,
            created_at, updated_at, version, source_version)
        values (@Id, @Email, @Name, @Role, @OrganisationRole, @PartnerId, @DistributorId, @Status, @SecurityStamp,
            @CreatedAt, @UpdatedAt, @Version, @SourceVersion)
        """;

    // Every change writes the whole row, guarded by the version it was read at.
    const string UpdateSql = """
        update accounts set email = @Email, name = @Name, role = @Role, organisation_role = @OrganisationRole, status = @Status,
            password_hash = @PasswordHash, password_changed_at = @PasswordChangedAt, security_stamp = @SecurityStamp,
            failed_sign_ins = @FailedSignIns, locked_until = @LockedUntil, totp_secret = @TotpSecret, totp_enabled_at = @TotpEnabledAt,
            totp_last_step = @TotpLastStep, external_issuer = @ExternalIssuer, external_subject = @ExternalSubject,
            last_sign_in_at = @LastSignInAt, updated_at = @UpdatedAt, version = @Version, source_version = @SourceVersion
        where id = @Id and version = @Version - 1
        """;

    // A person's tokens die with their right to them: refresh tokens (and codes) can no longer be redeemed.
    const string RevokeSql = $"""
        update oidc_tokens set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text
        where subject = any(@subjects) and status in ('{Statuses.Valid}', '{Statuses.Inactive}');
        update oidc_authorizations set status = '{Statuses.Revoked}', concurrency_token = gen_random_uuid()::text
        where subject = any(@subjects) and status = '{Statuses.Valid}';
        """;

    public static Task<Account?> Lock(NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            $"select {Columns} from {From} where a.id = @id for update of a", new { id }, tx, cancellationToken: ct));

    public static Task<Account?> Find(NpgsqlConnection connection, Guid id, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition($"select {Columns} from {From} where a.id = @id", new { id }, cancellationToken: ct));

    /// <summary>The account an e-mail address names (a removed one names none).</summary>
    public static Task<Account?> FindByEmail(NpgsqlConnection connection, string email, CancellationToken ct, NpgsqlTransaction? tx = null) =>
        connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            $"select {Columns} from {From} where lower(a.email) = lower(@email) and a.status <> @removed {(tx is null ? "" : "for update of a")}",
            new { email, removed = AccountStatus.Removed }, tx, cancellationToken: ct));

    /// <summary>The account tied to a person at the staff's own provider (its issuer and subject), locked.</summary>
    public static Task<Account?> FindByExternal(NpgsqlTransaction tx, string issuer, string subject, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(
            $"select {Columns} from {From} where a.external_issuer = @issuer and a.external_subject = @subject for update of a",
            new { issuer, subject }, tx, cancellationToken: ct));

    /// <summary>A partner's or distributor's user as its service announced it: created and invited, changed, or removed.</summary>
    public async Task FromOrganisation(NpgsqlTransaction tx, string kind, Guid organisationId, Guid userId, string name, string email,
        string organisationRole, bool removed, int sourceVersion, string actor, CancellationToken ct)
    {
        var account = await Lock(tx, userId, ct);
        if (account is null)
        {
            if (removed) return;
            var now = clock.GetUtcNow();
            account = new Account
            {
                Id = userId,
                Email = email,
                Name = name,
                Role = kind == OrganisationKind.Partner ? AccountRoles.Partner : AccountRoles.Distributor,
                OrganisationRole = organisationRole,
                PartnerId = kind == OrganisationKind.Partner ? organisationId : null,
                DistributorId = kind == OrganisationKind.Distributor ? organisationId : null,
                Status = AccountStatus.Invited,
                SecurityStamp = NewStamp(),
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
                SourceVersion = sourceVersion,
            };
            await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, account, tx, cancellationToken: ct));
            var reread = (await Lock(tx, userId, ct))!;
            await Invite(tx, reread, actor, bump: false, ct);
            return;
        }
        if (account.SourceVersion >= sourceVersion) return;   // an older or repeated event
        var previous = account.Status;
        account.SourceVersion = sourceVersion;
        account.Name = name;
        account.Email = email;
        account.OrganisationRole = organisationRole;
        if (removed && previous != AccountStatus.Removed)
        {
            account.Status = AccountStatus.Removed;
            account.SecurityStamp = NewStamp();
            await Save(tx, account, ct);
            await Revoke(tx, [account.Id], ct);
            await outbox.Add(tx, StatusChanged(account, previous, actor), ct);
        }
        else if (!removed && previous == AccountStatus.Removed)
        {
            // Added again after being removed: a new invitation, and a new password.
            account.Status = AccountStatus.Invited;
            account.PasswordHash = null;
            account.TotpSecret = null;
            account.TotpEnabledAt = null;
            account.SecurityStamp = NewStamp();
            await Save(tx, account, ct);
            await Invite(tx, account, actor, bump: false, ct);
        }
        else await Save(tx, account, ct);
    }

    /// <summary>A partner's or distributor's state: when it stops being active its users' tokens are revoked at once.</summary>
    public async Task Organisation(NpgsqlTransaction tx, string kind, Guid id, string name, bool active, int version, CancellationToken ct)
    {
        var was = await tx.Connection!.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            "select active from organisations where kind = @kind and id = @id for update", new { kind, id }, tx, cancellationToken: ct));
        var changed = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            insert into organisations (kind, id, name, active, version) values (@kind, @id, @name, @active, @version)
            on conflict (kind, id) do update set name = excluded.name, active = excluded.active, version = excluded.version
            where organisations.version < excluded.version
            """, new { kind, id, name, active, version }, tx, cancellationToken: ct));
        if (changed == 1 && was == true && !active)
        {
            var column = kind == OrganisationKind.Partner ? "partner_id" : "distributor_id";
            var subjects = (await tx.Connection!.QueryAsync<Guid>(new CommandDefinition(
                $"select id from accounts where {column} = @id", new { id }, tx, cancellationToken: ct))).ToArray();
            await Revoke(tx, subjects, ct);
        }
    }

    /// <summary>A vendor staff account, created by an admin and invited.</summary>
    public async Task<Account> CreateStaff(NpgsqlTransaction tx, Guid id, string email, string name, string role, string actor, CancellationToken ct)
    {
        var created = await InsertStaff(tx, id, email, name, role, AccountStatus.Invited, ct);
        await Invite(tx, created, actor, bump: false, ct);
        return created;
    }

    /// <summary>A new staff account's row, read back locked.</summary>
    async Task<Account> InsertStaff(NpgsqlTransaction tx, Guid id, string email, string name, string role, string status, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await tx.Connection!.ExecuteAsync(new CommandDefinition(InsertSql, new Account
        {
            Id = id,
            Email = email,
            Name = name,
            Role = role,
            Status = status,
            SecurityStamp = NewStamp(),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        }, tx, cancellationToken: ct));
        return (await Lock(tx, id, ct))!;
    }

    /// <summary>A new single-use link to set a first password (replacing any earlier one), and its mail.</summary>
    public async Task Invite(NpgsqlTransaction tx, Account account, string actor, bool bump, CancellationToken ct)
    {
        if (bump) await Save(tx, account, ct);
        var (secret, expires) = await Tickets.Issue(tx, account.Id, Tickets.Invitation, settings.InvitationLifetime, clock, ct);
        await outbox.Add(tx, new AccountInvited
        {
            AccountId = account.Id,
            Version = account.Version,
            OccurredAt = clock.GetUtcNow(),
            Actor = actor,
            Account = account.State(),
            OrganisationName = account.OrganisationName,
            Link = Link("set-password", secret),
            ExpiresAt = expires,
        }, ct);
    }

    /// <summary>A single-use link to choose a new password.</summary>
    public async Task RequestReset(NpgsqlTransaction tx, Account account, string actor, CancellationToken ct)
    {
        await Save(tx, account, ct);
        var (secret, expires) = await Tickets.Issue(tx, account.Id, Tickets.Reset, settings.ResetLifetime, clock, ct);
        await outbox.Add(tx, new PasswordResetRequested
        {
            AccountId = account.Id,
            Version = account.Version,
            OccurredAt = clock.GetUtcNow(),
            Actor = actor,
            Account = account.State(),
            Link = Link("reset-password", secret),
            ExpiresAt = expires,
        }, ct);
    }

    /// <summary>A new password (its hash): the account is enabled if it was invited, unlocked, and every earlier session ends.</summary>
    public async Task SetPassword(NpgsqlTransaction tx, Account account, string hash, CancellationToken ct)
    {
        var first = account.PasswordHash is null;
        account.PasswordHash = hash;
        account.PasswordChangedAt = clock.GetUtcNow();
        account.FailedSignIns = 0;
        account.LockedUntil = null;
        account.SecurityStamp = NewStamp();
        if (account.Status == AccountStatus.Invited) account.Status = AccountStatus.Enabled;
        await Save(tx, account, ct);
        await Revoke(tx, [account.Id], ct);
        await outbox.Add(tx, new AccountPasswordChanged
        {
            AccountId = account.Id,
            Version = account.Version,
            OccurredAt = clock.GetUtcNow(),
            Account = account.State(),
            FirstPassword = first,
        }, ct);
    }

    /// <summary>A wrong password or code: after too many in a row the account is locked for a while, and its owner hears of it.</summary>
    public async Task<bool> SignInFailed(NpgsqlTransaction tx, Account account, string? clientAddress, CancellationToken ct)
    {
        account.FailedSignIns++;
        var lockNow = account.FailedSignIns >= settings.MaxFailedSignIns;
        if (lockNow)
        {
            account.LockedUntil = clock.GetUtcNow() + settings.Lockout;
            account.FailedSignIns = 0;
        }
        await Save(tx, account, ct);
        if (lockNow)
            await outbox.Add(tx, new AccountLockedOut
            {
                AccountId = account.Id,
                Version = account.Version,
                OccurredAt = clock.GetUtcNow(),
                Account = account.State(),
                LockedUntil = account.LockedUntil!.Value,
                ClientAddress = clientAddress,
            }, ct);
        return lockNow;
    }

    public async Task SignedIn(NpgsqlTransaction tx, Account account, CancellationToken ct)
    {
        account.FailedSignIns = 0;
        account.LastSignInAt = clock.GetUtcNow();
        await Save(tx, account, ct);
    }

    /// <summary>Enabled or disabled by an admin; disabling ends every session.</summary>
    public async Task ChangeStatus(NpgsqlTransaction tx, Account account, string status, string actor, CancellationToken ct)
    {
        var previous = account.Status;
        account.Status = status;
        account.SecurityStamp = NewStamp();
        await Save(tx, account, ct);
        if (status != AccountStatus.Enabled) await Revoke(tx, [account.Id], ct);
        await outbox.Add(tx, StatusChanged(account, previous, actor), ct);
    }

    public async Task Unlock(NpgsqlTransaction tx, Account account, CancellationToken ct)
    {
        account.LockedUntil = null;
        account.FailedSignIns = 0;
        await Save(tx, account, ct);
    }

    /// <summary>A second factor enrolled (its secret) or removed (null); either ends the other sessions.</summary>
    public async Task SetTwoFactor(NpgsqlTransaction tx, Account account, string? secret, long? step, CancellationToken ct)
    {
        account.TotpSecret = secret;
        account.TotpEnabledAt = secret is null ? null : clock.GetUtcNow();
        account.TotpLastStep = step;
        account.SecurityStamp = NewStamp();
        await Save(tx, account, ct);
    }

    /// <summary>The last authenticator step used, so one code signs in once.</summary>
    public async Task TwoFactorUsed(NpgsqlTransaction tx, Account account, long step, CancellationToken ct)
    {
        account.TotpLastStep = step;
        account.FailedSignIns = 0;
        await Save(tx, account, ct);
    }

    /// <summary>
    /// Ties a staff account to the person at the staff's own provider, and takes the role and name it gives them now (each
    /// sign-in there): a changed role ends the tokens that carry the old one.
    /// </summary>
    public async Task LinkExternal(NpgsqlTransaction tx, Account account, string issuer, string subject, string role, string name, CancellationToken ct,
        bool created = false)
    {
        var previousRole = account.Role;
        var changed = created || account.Role != role || account.Name != name || account.ExternalSubject != subject
            || account.Status == AccountStatus.Invited;
        account.ExternalIssuer = issuer;
        account.ExternalSubject = subject;
        account.Role = role;
        account.Name = name;
        if (account.Status == AccountStatus.Invited) account.Status = AccountStatus.Enabled;
        await Save(tx, account, ct);
        if (previousRole != role && !created) await Revoke(tx, [account.Id], ct);
        if (changed)
            await outbox.Add(tx, new StaffAccountChanged
            {
                AccountId = account.Id,
                Version = account.Version,
                OccurredAt = clock.GetUtcNow(),
                Actor = "staff-provider",
                Account = account.State(),
                PreviousRole = created ? null : previousRole,
            }, ct);
    }

    /// <summary>A staff account made at a person's first sign-in through the staff's own provider: enabled, with no password here.</summary>
    public async Task<Account> CreateExternalStaff(NpgsqlTransaction tx, string issuer, string subject, string email, string name, string role,
        CancellationToken ct)
    {
        var created = await InsertStaff(tx, Guid.CreateVersion7(), email, name, role, AccountStatus.Enabled, ct);
        await LinkExternal(tx, created, issuer, subject, role, name, ct, created: true);
        return created;
    }

    async Task Save(NpgsqlTransaction tx, Account account, CancellationToken ct)
    {
        account.Version++;
        account.UpdatedAt = clock.GetUtcNow();
        if (await tx.Connection!.ExecuteAsync(new CommandDefinition(UpdateSql, account, tx, cancellationToken: ct)) != 1)
            throw new InvalidOperationException($"account {account.Id} changed under its lock");
    }

    public static Task Revoke(NpgsqlTransaction tx, Guid[] accounts, CancellationToken ct) =>
        accounts.Length == 0 ? Task.CompletedTask
            : tx.Connection!.ExecuteAsync(new CommandDefinition(RevokeSql, new { subjects = accounts.Select(a => a.ToString()).ToArray() }, tx, cancellationToken: ct));

    AccountStatusChanged StatusChanged(Account account, string previous, string actor) => new()
    {
        AccountId = account.Id,
        Version = account.Version,
        OccurredAt = clock.GetUtcNow(),
        Actor = actor,
        Account = account.State(),
        PreviousStatus = previous,
    };

    string Link(string page, string secret) => $"{settings.PublicUrl.TrimEnd('/')}/identity/account/{page}?ticket={Uri.EscapeDataString(secret)}";

    static string NewStamp() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}
