using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Server;

namespace Channel.Identity.Keys;

/// <summary>
/// The provider's keys, kept in its database so every instance signs and checks with the same ones:
/// self-signed RSA certificates, one series for signing (RS256) and one for encrypting codes and
/// refresh tokens. A new key is published (in the JWKS) <c>PublishKeysAhead</c> before it starts
/// signing, so every service has it before it sees a token signed with it; a retired key stays
/// published until the last token it signed has expired. OpenIddict signs with the newest valid
/// certificate, which the certificates' own dates decide.
/// </summary>
public sealed class KeyRing(NpgsqlDataSource db, IdentitySettings settings, TimeProvider clock, IOptionsMonitorCache<OpenIddictServerOptions> optionsCache,
    ILogger<KeyRing> logger)
{
    public const string Signing = "signing";
    public const string Encryption = "encryption";
    const long LockId = 0x1d_e7_17_4e;

    volatile IReadOnlyList<StoredKey> keys = [];
    string? loadedShape;

    public sealed class StoredKey
    {
        public string Id { get; set; } = "";
        public string Use { get; set; } = "";
        public byte[] Certificate { get; set; } = [];
        public DateTimeOffset NotBefore { get; set; }
        public DateTimeOffset NotAfter { get; set; }
        public X509Certificate2? Loaded { get; set; }
    }

    public IReadOnlyList<StoredKey> Keys => keys;

    /// <summary>The key that signs now: the newest whose time has come.</summary>
    public StoredKey CurrentSigningKey
    {
        get
        {
            var now = clock.GetUtcNow();
            return keys.Where(k => k.Use == Signing && k.NotBefore <= now && k.NotAfter > now).MaxBy(k => k.NotAfter)
                ?? throw new InvalidOperationException("no signing key is valid now");
        }
    }

    /// <summary>Makes the keys that are due (under a lock, so two instances never both make one), then reads them all; true when they changed.</summary>
    public async Task<bool> Refresh(CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@LockId)", new { LockId }, tx, cancellationToken: ct));
            foreach (var use in new[] { Signing, Encryption })
            {
                // When the newest key began to sign: its not_before, or when it was made for a first key dated back to allow for skewed
                // clocks (else its successor would be due at once). Npgsql reads timestamptz as a UTC DateTime (Dapper will not turn a
                // lone one into a DateTimeOffset).
                var newest = await connection.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
                    "select max(greatest(not_before, created_at)) from signing_keys where use = @use and revoked_at is null", new { use }, tx,
                    cancellationToken: ct)) is { } at
                    ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
                    : (DateTimeOffset?)null;
                var now = clock.GetUtcNow();
                if (newest is null) await Create(connection, tx, use, now.AddMinutes(-1), ct);
                else if (newest.Value + settings.RotateKeysEvery - settings.PublishKeysAhead <= now && newest.Value <= now)
                    await Create(connection, tx, use, Max(now + settings.PublishKeysAhead, newest.Value + settings.RotateKeysEvery), ct);
            }
            await tx.CommitAsync(ct);
        }
        return await Load(ct);
    }

    /// <summary>
    /// A new key of each use that takes over now (an operator's rotation). With <paramref name="revokeOthers"/> (a key was
    /// exposed) every earlier key is withdrawn at once: what it signed is refused everywhere as soon as readers refresh.
    /// </summary>
    public async Task Rotate(bool revokeOthers, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@LockId)", new { LockId }, tx, cancellationToken: ct));
            var now = clock.GetUtcNow();
            if (revokeOthers)
                await connection.ExecuteAsync(new CommandDefinition("update signing_keys set revoked_at = @now where revoked_at is null", new { now }, tx,
                    cancellationToken: ct));
            foreach (var use in new[] { Signing, Encryption }) await Create(connection, tx, use, now.AddSeconds(-2), ct);
            await tx.CommitAsync(ct);
        }
        await Load(ct);
    }

    async Task Create(NpgsqlConnection connection, NpgsqlTransaction tx, string use, DateTimeOffset notBefore, CancellationToken ct)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Channel identity {use} key", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            use == Signing ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment, critical: true));
        // Whole seconds: the certificate keeps no finer time, and the row must say the same dates.
        var from = DateTimeOffset.FromUnixTimeSeconds(notBefore.ToUnixTimeSeconds());
        var until = from + settings.KeyLifetime;
        using var certificate = request.CreateSelfSigned(from, until);
        var id = Convert.ToHexString(SHA256.HashData(certificate.RawData))[..32];
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into signing_keys (id, use, certificate, created_at, not_before, not_after) values (@id, @use, @pfx, @now, @from, @until)
            """, new { id, use, pfx = certificate.Export(X509ContentType.Pkcs12), now = clock.GetUtcNow(), from, until }, tx, cancellationToken: ct));
        logger.LogInformation("made a new {Use} key {Id}, valid from {From:u} to {Until:u}", use, id, from, until);
    }

    async Task<bool> Load(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<StoredKey>(new CommandDefinition(
            "select id, use, certificate, not_before, not_after from signing_keys where revoked_at is null and not_after > @now order by not_before",
            new { now = clock.GetUtcNow() }, cancellationToken: ct))).ToList();
        var now = clock.GetUtcNow();
        var before = keys;
        // Changed since the last read: a key came or went, or one's time to sign came (which changes the one that signs).
        var shape = string.Join(',', rows.Select(k => $"{k.Id}:{k.NotBefore <= now}"));
        if (shape == loadedShape) return false;
        loadedShape = shape;
        foreach (var row in rows)
            row.Loaded = before.FirstOrDefault(k => k.Id == row.Id)?.Loaded
                ?? X509CertificateLoader.LoadPkcs12(row.Certificate, null, X509KeyStorageFlags.EphemeralKeySet);
        keys = rows;
        // OpenIddict reads its options (and so its keys) afresh once the cached copy is dropped.
        optionsCache.TryRemove(Options.DefaultName);
        return true;
    }

    /// <summary>Puts the keys into OpenIddict's options each time they are built.</summary>
    public void Configure(OpenIddictServerOptions options)
    {
        foreach (var key in keys)
        {
            var security = new X509SecurityKey(key.Loaded!, key.Id);
            if (key.Use == Signing) options.SigningCredentials.Add(new SigningCredentials(security, SecurityAlgorithms.RsaSha256));
            else options.EncryptionCredentials.Add(new EncryptingCredentials(security, SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>Hands the key ring's keys to OpenIddict whenever its options are (re)built.</summary>
sealed class ServerKeys(KeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options) => ring.Configure(options);
}

/// <summary>Makes the keys that are due and picks up the ones other instances made, every <c>CheckKeysEvery</c>.</summary>
sealed class KeyRotation(KeyRing ring, IdentitySettings settings, ILogger<KeyRotation> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken ct)
    {
        // Before the server answers: OpenIddict cannot build its options without a key.
        await ring.Refresh(ct);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // The next check, or sooner when a published key's time to sign comes first (so it takes over on time).
                var now = DateTimeOffset.UtcNow;
                var pending = ring.Keys.Where(k => k.NotBefore > now).Select(k => k.NotBefore - now).DefaultIfEmpty(settings.CheckKeysEvery).Min();
                await Task.Delay(pending < settings.CheckKeysEvery ? pending + TimeSpan.FromMilliseconds(50) : settings.CheckKeysEvery, ct);
                if (await ring.Refresh(ct)) logger.LogInformation("the signing keys changed");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            catch (Exception e)
            {
                // The keys in hand keep signing: a failed check must not stop the provider.
                logger.LogError(e, "could not check the signing keys; trying again");
            }
        }
    }
}
