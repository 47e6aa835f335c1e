using System.Security.Claims;
using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// A compliance officer imports a screening list in the consolidated screening list's CSV export format (columns
/// <c>_id, source, entity_number, type, programs, name, title, addresses, …, remarks, …, alt_names, …, ids</c>; list
/// fields separated by ";"). Web sites among an entry's <c>ids</c> ("Website, huawei.com") and an optional
/// <c>domains</c> column are matched as domains. The file is the whole of each source list it holds: an entry of those
/// lists that it no longer has is removed, entries of other lists and manual entries stay. An import that changes
/// nothing makes no version; one that does makes the next list version (what was added, changed, removed) and every
/// live partner and open deal is screened again against it.
/// </summary>
public static class ImportScreeningList
{
    public sealed record Imported(Guid ChangeId, int Version, int Added, int Changed, int Removed, int Entries, int Rescreening);

    const string Current = """
        select entry_key, content_hash, source_list from list_entries where origin = 'import' and to_version is null
        """;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/lists/imports", Handle).RequireAuthorization(Policies.ComplianceOfficer)
            .Accepts<object>("text/csv").Produces<Imported>(201).Produces<Imported>(200).ProducesValidationProblem()
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024 * 1024))
            .WithSummary("Import a screening list (consolidated screening list CSV)");

    static async Task<IResult> Handle(HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener, TimeProvider clock,
        CancellationToken ct, string? name = null)
    {
        var check = new Check();
        var fileName = check.Text("name", name, 200, required: false);
        var table = await Table.Read(http, "entries", 200_000, check, ct);
        if (table is null || check.Failed) return check.Problem("The screening list cannot be taken.");
        var entries = new Dictionary<string, ListEntry>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var cells = new Cells(check, row, "entries");
            var entryName = cells.Text("name", 500);
            var source = cells.Text("source", 300);
            if (entryName is null || source is null) continue;
            var key = row["id"] ?? (row["entitynumber"] is { } number ? $"{source}:{number}" : $"{source}:{Names.Normalize(entryName)}");
            var entry = new ListEntry
            {
                EntryKey = key,
                Origin = "import",
                Name = entryName,
                AltNames = Split(row["altnames"]),
                Domains = [.. Split(row["domains"]).Concat(Websites(row["ids"])).Select(Names.DomainOf).OfType<string>().Distinct()],
                Addresses = Split(row["addresses"]),
                Countries = [.. Split(row["addresses"]).Select(a => a.Split(',').Last().Trim()).Where(c => c.Length == 2).Select(c => c.ToUpperInvariant()).Distinct()],
                SourceList = source,
                Programs = Split(row["programs"]),
                StartDate = row["startdate"] is null ? null : cells.Date("start_date"),
                EndDate = row["enddate"] is null ? null : cells.Date("end_date"),
                Remarks = row["remarks"],
            };
            if (!entries.TryAdd(key, entry)) cells.Add("_id", $"{key} appears twice in the file");
        }
        if (check.Failed) return check.Problem("The screening list cannot be taken.");

        var actor = Caller.From(user).Subject;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var version = await Changes.Begin(tx, "list", ct);
        var sources = entries.Values.Select(e => e.SourceList).ToHashSet(StringComparer.Ordinal);
        var current = (await conn.QueryAsync<(string Key, string Hash, string Source)>(new CommandDefinition(Current, transaction: tx, cancellationToken: ct)))
            .Where(c => sources.Contains(c.Source)).ToDictionary(c => c.Key, c => c.Hash, StringComparer.Ordinal);
        var added = entries.Values.Where(e => !current.ContainsKey(e.EntryKey)).ToList();
        var changed = entries.Values.Where(e => current.TryGetValue(e.EntryKey, out var hash) && hash != Changes.Hash(e)).ToList();
        var removed = current.Keys.Where(k => !entries.ContainsKey(k)).ToList();
        if (added.Count + changed.Count + removed.Count == 0)
        {
            var latest = await conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
                "select id from changes where kind = 'list' order by version desc limit 1", transaction: tx, cancellationToken: ct));
            return TypedResults.Ok(new Imported(latest ?? Guid.Empty, version - 1, 0, 0, 0, entries.Count, 0));
        }
        await Changes.Entries(tx, version, [.. changed.Select(e => e.EntryKey), .. removed], [.. added, .. changed], ct);
        var summary = $"Imported {fileName ?? "a screening list"}: {added.Count} added, {changed.Count} changed, {removed.Count} removed";
        var made = await Changes.Record(tx, "list", version, actor, clock.GetUtcNow(), summary, new
        {
            file = fileName,
            sources = sources.Order(StringComparer.Ordinal),
            added = added.Select(e => new { e.EntryKey, e.Name, e.SourceList }),
            changed = changed.Select(e => new { e.EntryKey, e.Name, e.SourceList }),
            removed,
        }, ct);
        await tx.CommitAsync(ct);
        rescreener.Wake();
        return TypedResults.Created($"/api/compliance/changes/{made.Id}",
            new Imported(made.Id, version, added.Count, changed.Count, removed.Count, entries.Count, made.Queued));
    }

    static string[] Split(string? text) =>
        text is null ? [] : [.. text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    /// <summary>The web sites among an entry's identifiers ("Website, http://www.example.com; Passport, …").</summary>
    static IEnumerable<string> Websites(string? ids) =>
        Split(ids).Where(i => i.StartsWith("website", StringComparison.OrdinalIgnoreCase)).Select(i => i[(i.IndexOf(',') + 1)..].Trim());
}
