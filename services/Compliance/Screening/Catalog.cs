using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Screening;

/// <summary>
/// The list and rule versions screening uses, read from the database and kept in memory by version (a version never
/// changes once made, so every instance may keep its copy): the latest, or those made by a past moment.
/// </summary>
public sealed class Catalog(ComplianceSettings settings)
{
    const int Kept = 4;
    readonly ConcurrentDictionary<int, ScreeningList> lists = new();
    readonly ConcurrentDictionary<int, RuleBook> books = new();

    const string VersionsSql = """
        select coalesce(max(version) filter (where kind = 'list'), 0) as list,
               coalesce(max(version) filter (where kind = 'rules'), 0) as rules
        from changes where @asOf::timestamptz is null or made_at <= @asOf
        """;

    const string EntriesSql = """
        select entry_key, origin, name, alt_names, domains, addresses, countries, source_list, programs, start_date, end_date, remarks
        from list_entries where from_version <= @version and (to_version is null or to_version > @version)
        """;

    const string RulesSql = """
        select rule_id, country, region, customer_type, funding_source, product_pattern, action, citation, description, effective_from, effective_to
        from rules where from_version <= @version and (to_version is null or to_version > @version)
        order by effective_from, rule_id
        """;

    public sealed record Versions(int List, int Rules);

    /// <summary>The versions in force now (no moment), or made by then.</summary>
    public static async Task<Versions> At(NpgsqlConnection conn, NpgsqlTransaction? tx, DateTimeOffset? asOf, CancellationToken ct)
    {
        var (list, rules) = await conn.QuerySingleAsync<(int, int)>(new CommandDefinition(VersionsSql, new { asOf }, tx, cancellationToken: ct));
        return new Versions(list, rules);
    }

    public async Task<ScreeningList> List(NpgsqlConnection conn, NpgsqlTransaction? tx, int version, CancellationToken ct)
    {
        if (lists.TryGetValue(version, out var list)) return list;
        var entries = (await conn.QueryAsync<ListEntry>(new CommandDefinition(EntriesSql, new { version }, tx, cancellationToken: ct))).ToList();
        list = new ScreeningList(version, entries, settings.MatchThreshold);
        return Keep(lists, version, list);
    }

    public async Task<RuleBook> Rules(NpgsqlConnection conn, NpgsqlTransaction? tx, int version, CancellationToken ct)
    {
        if (books.TryGetValue(version, out var book)) return book;
        var rules = (await conn.QueryAsync<Rule>(new CommandDefinition(RulesSql, new { version }, tx, cancellationToken: ct))).ToList();
        return Keep(books, version, new RuleBook(version, rules));
    }

    static T Keep<T>(ConcurrentDictionary<int, T> cache, int version, T value)
    {
        cache[version] = value;
        // The oldest versions go first: the newest is what screening asks for, an old one only for a replay.
        while (cache.Count > Kept && cache.Keys.Min() is var oldest && oldest != version) cache.TryRemove(oldest, out _);
        return value;
    }
}
