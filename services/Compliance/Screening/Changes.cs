using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Screening;

/// <summary>
/// A new version of the screening lists or the rules: the rows it ends and adds, the change record with what it did,
/// the audit line, and every live subject queued to be screened again (<see cref="Rescreener"/> takes them after the
/// commit). Changes of one kind take turns (an advisory lock), so versions never skip or repeat.
/// </summary>
public static class Changes
{
    public sealed record Made(Guid Id, string Kind, int Version, DateTimeOffset MadeAt, string Summary, int Queued);

    const string Turn = "select pg_advisory_xact_lock(hashtextextended('compliance-' || @kind, 0))";

    const string NextVersion = "select coalesce(max(version), 0) + 1 from changes where kind = @kind";

    const string Insert = """
        insert into changes (id, kind, version, made_by, made_at, summary, detail)
        values (@Id, @Kind, @Version, @MadeBy, @MadeAt, @Summary, @Detail::jsonb)
        """;

    const string Queue = """
        insert into rescreens (change_id, kind, subject_id) select @Id, kind, id from subjects
        where live and (live_until is null or live_until >= current_date)
        """;

    const string Audit = """
        insert into audit (at, actor, action, reason, detail) values (@MadeAt, @MadeBy, @Action, @Summary, @Detail::jsonb)
        """;

    const string EndEntries = "update list_entries set to_version = @version where entry_key = any(@keys) and to_version is null";

    const string AddEntries = """
        insert into list_entries (entry_key, from_version, origin, name, alt_names, domains, addresses, countries, source_list, programs,
            start_date, end_date, remarks, content_hash)
        select r.entry_key, @version, r.origin, r.name, r.alt_names, r.domains, r.addresses, r.countries, r.source_list, r.programs,
            r.start_date, r.end_date, r.remarks, r.content_hash
        from jsonb_to_recordset(@rows::jsonb) as r(entry_key text, origin text, name text, alt_names text[], domains text[], addresses text[],
            countries text[], source_list text, programs text[], start_date date, end_date date, remarks text, content_hash text)
        """;

    const string EndRules = "update rules set to_version = @version where rule_id = any(@ids) and to_version is null";

    const string AddRules = """
        insert into rules (rule_id, from_version, country, region, customer_type, funding_source, product_pattern, action, citation,
            description, effective_from, effective_to)
        select r.rule_id, @version, r.country, r.region, r.customer_type, r.funding_source, r.product_pattern, r.action, r.citation,
            r.description, r.effective_from, r.effective_to
        from jsonb_to_recordset(@rows::jsonb) as r(rule_id uuid, country text, region text, customer_type text, funding_source text,
            product_pattern text, action text, citation text, description text, effective_from date, effective_to date)
        """;

    static readonly JsonSerializerOptions snake = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static async Task<int> Begin(NpgsqlTransaction tx, string kind, CancellationToken ct)
    {
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Turn, new { kind }, tx, cancellationToken: ct));
        return await tx.Connection!.QuerySingleAsync<int>(new CommandDefinition(NextVersion, new { kind }, tx, cancellationToken: ct));
    }

    /// <summary>Ends the entries named (changed or removed) and adds the new content of the added and changed ones.</summary>
    public static async Task Entries(NpgsqlTransaction tx, int version, IReadOnlyCollection<string> ended, IReadOnlyCollection<ListEntry> added, CancellationToken ct)
    {
        var conn = tx.Connection!;
        if (ended.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(EndEntries, new { version, keys = ended.ToArray() }, tx, cancellationToken: ct));
        if (added.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(AddEntries, new
            {
                version,
                rows = JsonSerializer.Serialize(added.Select(e => new
                {
                    e.EntryKey,
                    e.Origin,
                    e.Name,
                    e.AltNames,
                    e.Domains,
                    e.Addresses,
                    e.Countries,
                    e.SourceList,
                    e.Programs,
                    StartDate = e.StartDate?.ToString("yyyy-MM-dd"),
                    EndDate = e.EndDate?.ToString("yyyy-MM-dd"),
                    e.Remarks,
                    ContentHash = Hash(e),
                }), snake),
            }, tx, cancellationToken: ct));
    }

    public static async Task Rules(NpgsqlTransaction tx, int version, IReadOnlyCollection<Guid> ended, IReadOnlyCollection<Rule> added, CancellationToken ct)
    {
        var conn = tx.Connection!;
        if (ended.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(EndRules, new { version, ids = ended.ToArray() }, tx, cancellationToken: ct));
        if (added.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(AddRules, new
            {
                version,
                rows = JsonSerializer.Serialize(added.Select(r => new
                {
                    r.RuleId,
                    r.Country,
                    r.Region,
                    r.CustomerType,
                    r.FundingSource,
                    r.ProductPattern,
                    r.Action,
                    r.Citation,
                    r.Description,
                    EffectiveFrom = r.EffectiveFrom.ToString("yyyy-MM-dd"),
                    EffectiveTo = r.EffectiveTo?.ToString("yyyy-MM-dd"),
                }), snake),
            }, tx, cancellationToken: ct));
    }

    /// <summary>Records the change, audits it and queues every live subject for screening again.</summary>
    public static async Task<Made> Record(NpgsqlTransaction tx, string kind, int version, string actor, DateTimeOffset now, string summary, object detail,
        CancellationToken ct)
    {
        var conn = tx.Connection!;
        var id = Guid.CreateVersion7();
        var json = JsonSerializer.Serialize(detail, Decisions.Json);
        await conn.ExecuteAsync(new CommandDefinition(Insert, new { Id = id, Kind = kind, Version = version, MadeBy = actor, MadeAt = now, Summary = summary, Detail = json },
            tx, cancellationToken: ct));
        var queued = await conn.ExecuteAsync(new CommandDefinition(Queue, new { Id = id }, tx, cancellationToken: ct));
        if (queued == 0)
            await conn.ExecuteAsync(new CommandDefinition("update changes set rescreened_at = made_at where id = @id", new { id }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(Audit, new { MadeAt = now, MadeBy = actor, Action = $"{kind}-changed", Summary = summary, Detail = json },
            tx, cancellationToken: ct));
        return new Made(id, kind, version, now, summary, queued);
    }

    /// <summary>What an entry says, as a hash: an import that says the same of an entry changes nothing.</summary>
    public static string Hash(ListEntry e) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(e with { EntryKey = "" }, Decisions.Json))));
}
