using System.Security.Claims;
using Channel.Compliance.Screening;
using Channel.Hosting.Auth;
using Channel.Hosting.Web;
using Dapper;
using Npgsql;

namespace Channel.Compliance.Features;

/// <summary>
/// A compliance officer adds an entry by hand (a party the vendor's own policy denies, one announced before the next
/// list export) or removes one, with the reason. Each is a new list version and every live subject is screened again.
/// </summary>
public static class ManageListEntries
{
    public sealed record Request(string? Name, List<string>? AltNames, List<string>? Domains, List<string>? Addresses, List<string>? Countries,
        string? SourceList, List<string>? Programs, string? Remarks);

    public sealed record Removal(string? Reason);

    public sealed record Changed(Guid ChangeId, int Version, string EntryKey, int Rescreening);

    const string Current = "select count(*) from list_entries where entry_key = @key and to_version is null";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/lists/entries", Add).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Changed>(201).ProducesValidationProblem().WithSummary("Add a screening list entry by hand");
        api.MapPost("/lists/entries/{key}/remove", Remove).RequireAuthorization(Policies.ComplianceOfficer)
            .Produces<Changed>().ProducesValidationProblem().ProducesProblem(404).WithSummary("Remove a screening list entry");
    }

    static async Task<IResult> Add(Request request, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener, TimeProvider clock, CancellationToken ct)
    {
        var check = new Check();
        var name = check.Text("name", request.Name, 500);
        string[] Many(string field, List<string>? values, int max) => [.. ScreenParty.Texts(check, field, values, 100, max).Distinct()];
        var alt = Many("altNames", request.AltNames, 500);
        var domains = Many("domains", request.Domains, 253);
        for (var i = 0; i < domains.Length; i++)
            if (Names.DomainOf(domains[i]) is not { } d || d != domains[i].ToLowerInvariant()) check.Add($"domains[{i}]", "must be a domain such as example.com");
        var addresses = Many("addresses", request.Addresses, 500);
        var countries = Many("countries", request.Countries, 2);
        for (var i = 0; i < countries.Length; i++) check.Country($"countries[{i}]", countries[i]);
        var source = check.Text("sourceList", request.SourceList, 300, required: false) ?? "Vendor denied parties";
        var programs = Many("programs", request.Programs, 200);
        var remarks = check.Note("remarks", request.Remarks, 4000, required: false);
        if (check.Failed) return check.Problem();
        var entry = new ListEntry
        {
            EntryKey = $"manual:{Guid.CreateVersion7()}",
            Origin = "manual",
            Name = name!,
            AltNames = alt,
            Domains = [.. domains.Select(d => d.ToLowerInvariant())],
            Addresses = addresses,
            Countries = [.. countries.Select(c => c.ToUpperInvariant())],
            SourceList = source,
            Programs = programs,
            Remarks = remarks,
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var version = await Changes.Begin(tx, "list", ct);
        await Changes.Entries(tx, version, [], [entry], ct);
        var made = await Changes.Record(tx, "list", version, Caller.From(user).Subject, clock.GetUtcNow(), $"Added {entry.Name} to {source}",
            new { added = new[] { new { entry.EntryKey, entry.Name, entry.SourceList } } }, ct);
        await tx.CommitAsync(ct);
        rescreener.Wake();
        return TypedResults.Created($"/api/compliance/changes/{made.Id}", new Changed(made.Id, version, entry.EntryKey, made.Queued));
    }

    static async Task<IResult> Remove(string key, Removal request, ClaimsPrincipal user, NpgsqlDataSource db, Rescreener rescreener, TimeProvider clock,
        CancellationToken ct)
    {
        var check = new Check();
        var reason = check.Note("reason", request.Reason, 2000);
        if (check.Failed) return check.Problem();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var version = await Changes.Begin(tx, "list", ct);
        if (await conn.ExecuteScalarAsync<long>(new CommandDefinition(Current, new { key }, tx, cancellationToken: ct)) == 0)
            return TypedResults.Problem(statusCode: 404, title: "No such entry.", detail: $"{key} is not on the current list.");
        await Changes.Entries(tx, version, [key], [], ct);
        var made = await Changes.Record(tx, "list", version, Caller.From(user).Subject, clock.GetUtcNow(), $"Removed {key}: {reason}",
            new { removed = new[] { key }, reason }, ct);
        await tx.CommitAsync(ct);
        rescreener.Wake();
        return TypedResults.Ok(new Changed(made.Id, version, key, made.Queued));
    }
}
