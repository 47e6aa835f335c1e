using Dapper;
using Npgsql;

namespace Channel.Deals.Rules;

/// <summary>
/// The duplicate rule of real deal-registration programs: another partner's open registration for the
/// same end customer (normalised legal name, or the same domain) with at least one product family in
/// common. The partner's own open registrations for the same opportunity are possible duplicates (a
/// retry, a colleague's registration). What is found is stored as evidence for the approver.
/// </summary>
public static class Conflicts
{
    public sealed class Found
    {
        public Guid OtherDealId { get; set; }
        public Guid OtherPartnerId { get; set; }
        public string OtherStatus { get; set; } = "";
        public string Rule { get; set; } = "";
        public string[] SharedFamilies { get; set; } = [];
    }

    const string Sql = """
        select d.id as other_deal_id, d.partner_id as other_partner_id, d.status as other_status,
               case when d.customer_key = @Key and d.customer_domain is not distinct from @Domain and @Domain is not null
                        then 'customer_name_and_domain'
                    when d.customer_key = @Key then 'customer_name'
                    else 'customer_domain' end as rule,
               array(select unnest(d.product_families) intersect select unnest(@Families::text[]) order by 1) as shared_families
        from deals d
        where d.id <> @DealId and (@OwnToo or d.partner_id <> @PartnerId) and d.status = any(@Statuses)
          and (d.customer_key = @Key or (@Domain::text is not null and d.customer_domain = @Domain))
          and d.product_families && @Families::text[]
        order by d.submitted_at, d.id
        """;

    const string Insert = """
        insert into deal_conflicts (deal_id, other_deal_id, other_partner_id, other_status, rule, shared_families, stage, found_at)
        values (@DealId, @OtherDealId, @OtherPartnerId, @OtherStatus, @Rule, @SharedFamilies, @Stage, @FoundAt)
        """;

    /// <summary>
    /// Open registrations of the same opportunity in one of <paramref name="statuses"/>: other
    /// partners' ones, and with <paramref name="ownToo"/> the partner's own as well.
    /// </summary>
    public static async Task<List<Found>> Find(NpgsqlTransaction tx, Deal deal, IReadOnlyList<string> statuses, CancellationToken ct, bool ownToo = false) =>
        (await tx.Connection!.QueryAsync<Found>(new CommandDefinition(Sql, new
        {
            DealId = deal.Id,
            deal.PartnerId,
            Key = deal.CustomerKey,
            Domain = deal.CustomerDomain,
            Families = deal.ProductFamilies,
            Statuses = statuses.ToArray(),
            OwnToo = ownToo,
        }, tx, cancellationToken: ct))).AsList();

    public static Task Record(NpgsqlTransaction tx, Guid dealId, IEnumerable<Found> found, string stage, DateTimeOffset at,
        CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(Insert, found.Select(f => new
        {
            DealId = dealId,
            f.OtherDealId,
            f.OtherPartnerId,
            f.OtherStatus,
            f.Rule,
            f.SharedFamilies,
            Stage = stage,
            FoundAt = at,
        }), tx, cancellationToken: ct));

    /// <summary>
    /// Serialises every decision about one opportunity (same customer name or domain) across all
    /// instances, so two approvals cannot both pass the one-approved-registration check.
    /// </summary>
    public static Task LockOpportunity(NpgsqlTransaction tx, Deal deal, CancellationToken ct)
    {
        var keys = new[] { "name:" + deal.CustomerKey, deal.CustomerDomain is null ? null : "domain:" + deal.CustomerDomain }
            .Where(k => k is not null).Order(StringComparer.Ordinal).ToArray();
        return tx.Connection!.ExecuteAsync(new CommandDefinition(
            "select pg_advisory_xact_lock(hashtextextended(k, 42)) from unnest(@keys::text[]) k", new { keys }, tx, cancellationToken: ct));
    }
}
