using Dapper;
using Npgsql;

namespace Channel.Hosting.Data;

/// <summary>
/// A service's copy of the partners it needs (who is active, their tier; a table named partners), kept from the
/// Partners service's events. Every event carries the partner's state at its version, so the copy
/// keeps the highest version it has seen and is right whatever order the events arrive in.
/// </summary>
public static class PartnerDirectory
{
    const string Upsert = """
        insert into partners (id, legal_name, country, region, status, tier, version)
        values (@PartnerId, @LegalName, @Country, @Region, @Status, @Tier, @Version)
        on conflict (id) do update set legal_name = excluded.legal_name, country = excluded.country, region = excluded.region,
            status = excluded.status, tier = excluded.tier, version = excluded.version
        where partners.version < excluded.version
        """;

    /// <summary>Applies the partner's state at this version; false when the copy already had a newer one.</summary>
    public static async Task<bool> Apply(NpgsqlTransaction tx, Guid partnerId, int version, string legalName, string country, string region,
        string status, string? tier, CancellationToken ct) =>
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Upsert,
            new { PartnerId = partnerId, Version = version, LegalName = legalName, Country = country, Region = region, Status = status, Tier = tier },
            tx, cancellationToken: ct)) > 0;
}
