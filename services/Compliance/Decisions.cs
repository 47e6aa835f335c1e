using System.Text.Json;
using Channel.Compliance.Screening;
using Channel.Contracts.Compliance;
using Channel.Messaging;
using Dapper;
using Npgsql;

namespace Channel.Compliance;

/// <summary>Where an officer's review of a held subject stands (the <c>subjects.review</c> column).</summary>
public static class Reviews
{
    /// <summary>Held, waiting in the compliance queue.</summary>
    public const string Open = "open";
    public const string Cleared = "cleared";
    public const string Confirmed = "confirmed";
}

/// <summary>A subject as Compliance keeps it: what its owner last said of it and where its screening stands.</summary>
public sealed class Subject
{
    public string Kind { get; init; } = "";
    public string Id { get; init; } = "";
    public int Version { get; init; }
    public string Name { get; init; } = "";
    public string Inputs { get; init; } = "{}";
    public bool Live { get; init; }
    public string? Outcome { get; init; }
    public string? Reason { get; init; }
    public Guid? DecisionId { get; init; }
    public int ScreenedVersion { get; init; }
    public long Sequence { get; init; }
    public string? Review { get; init; }
    public string[] Evidence { get; init; } = [];
    public DateTimeOffset UpdatedAt { get; init; }

    public Inputs Read() => JsonSerializer.Deserialize<Inputs>(Inputs, Decisions.Json) ?? new Inputs();
}

/// <summary>
/// The one place a screening decision is made and saved: the verdict from the list and rules in force, the decision
/// row with its inputs, evidence and versions, the subject's new standing, and the <see cref="ScreeningDecided"/> the
/// subject's owner acts on — all in the caller's transaction, so a decision and its announcement commit together.
/// </summary>
public sealed class Decisions(Catalog catalog, Outbox outbox, ComplianceSettings settings, TimeProvider clock)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    const string LockSql = "select * from subjects where kind = @kind and id = @id for update";

    const string ClearedSql = "select evidence from clearances where kind = @kind and subject_id = @id and cleared_at <= @asOf";

    // What the deal's screening in force at the moment answered: the list hits and rules it saw and the evidence it held on.
    const string DealAnswered = """
        select hits::text as hits, applied_rules::text as rules, evidence from decisions
        where kind = 'deal' and subject_id = @deal and decided_at <= @asOf
        order by sequence desc limit 1
        """;

    const string InsertDecision = """
        insert into decisions (id, kind, subject_id, subject_version, sequence, decided_at, trigger, change_id, actor, outcome, previous_outcome,
            reason, citation, list_version, rules_version, inputs, hits, applied_rules, evidence)
        values (@Id, @Kind, @SubjectId, @SubjectVersion, @Sequence, @DecidedAt, @Trigger, @ChangeId, @Actor, @Outcome, @PreviousOutcome,
            @Reason, @Citation, @ListVersion, @RulesVersion, @Inputs::jsonb, @Hits::jsonb, @AppliedRules::jsonb, @Evidence)
        """;

    const string UpdateSubject = """
        update subjects set outcome = @Outcome, reason = @Reason, decision_id = @DecisionId, sequence = @Sequence, screened_version = @ScreenedVersion,
            review = @Review, evidence = @Evidence, updated_at = @Now
        where kind = @Kind and id = @Id
        """;

    public static Task<Subject?> Lock(NpgsqlTransaction tx, string kind, string id, CancellationToken ct) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Subject>(new CommandDefinition(LockSql, new { kind, id }, tx, cancellationToken: ct));

    /// <summary>
    /// Screens inputs against the list and rules in force at a moment (now, or a past one: what was known then), or
    /// against the versions a caller screening many subjects at once has read.
    /// </summary>
    public async Task<Verdict> Evaluate(NpgsqlConnection conn, NpgsqlTransaction? tx, Inputs inputs, DateTimeOffset? asOf,
        IReadOnlySet<string> cleared, CancellationToken ct, Catalog.Versions? known = null)
    {
        var versions = known ?? await Catalog.At(conn, tx, asOf, ct);
        var list = await catalog.List(conn, tx, versions.List, ct);
        var book = await catalog.Rules(conn, tx, versions.Rules, ct);
        var day = DateOnly.FromDateTime((asOf ?? clock.GetUtcNow()).UtcDateTime);
        return Verdict.Decide(inputs, list, book, day, cleared, settings);
    }

    sealed class Answered
    {
        public string Hits { get; init; } = "[]";
        public string Rules { get; init; } = "[]";
        public string[] Evidence { get; init; } = [];
    }

    /// <summary>
    /// The evidence that no longer holds a subject as of a moment (now by default): what an officer cleared for it. A price
    /// authorization is screened with its deal's customer, so what its deal's screening answered counts as answered for it
    /// too (cleared for the deal, or holding the deal, which suspends the PA anyway): it is held only for what is new to it,
    /// a rule on a SKU its family lines price.
    /// </summary>
    public static async Task<IReadOnlySet<string>> Cleared(NpgsqlConnection conn, NpgsqlTransaction? tx, string kind, string id, CancellationToken ct,
        DateTimeOffset? asOf = null, Inputs? inputs = null)
    {
        var at = asOf ?? DateTimeOffset.MaxValue;
        var cleared = (await conn.QueryAsync<string>(new CommandDefinition(ClearedSql, new { kind, id, asOf = at }, tx, cancellationToken: ct))).ToHashSet();
        if (kind != ScreeningSubject.PriceAuthorization || inputs?.Parent is not { } deal) return cleared;
        cleared.UnionWith(await conn.QueryAsync<string>(new CommandDefinition(ClearedSql, new { kind = ScreeningSubject.Deal, id = deal, asOf = at }, tx,
            cancellationToken: ct)));
        var a = await conn.QuerySingleOrDefaultAsync<Answered>(new CommandDefinition(DealAnswered, new { deal, asOf = at }, tx, cancellationToken: ct));
        if (a is not null)
        {
            cleared.UnionWith(a.Evidence);
            cleared.UnionWith((JsonSerializer.Deserialize<List<ListHit>>(a.Hits, Json) ?? []).Select(h => h.Evidence));
            cleared.UnionWith((JsonSerializer.Deserialize<List<AppliedRule>>(a.Rules, Json) ?? []).Select(r => r.Evidence));
        }
        return cleared;
    }

    /// <summary>
    /// Screens a subject the caller has locked. A decision is saved and announced when <paramref name="announce"/> asks
    /// (its owner waits for one: a new registration) or when the outcome or the evidence changed; otherwise nothing is
    /// written. A subject an officer confirmed keeps that decision.
    /// </summary>
    public async Task<Guid?> Screen(NpgsqlTransaction tx, Subject subject, string trigger, Guid? changeId, string actor, bool announce, CancellationToken ct,
        Catalog.Versions? versions = null)
    {
        if (subject.Review == Reviews.Confirmed) return null;
        var conn = tx.Connection!;
        var inputs = subject.Read();
        var cleared = await Cleared(conn, tx, subject.Kind, subject.Id, ct, inputs: inputs);
        var verdict = await Evaluate(conn, tx, inputs, null, cleared, ct, versions);
        var changed = verdict.Outcome != subject.Outcome || !verdict.Evidence.Order(StringComparer.Ordinal).SequenceEqual(subject.Evidence.Order(StringComparer.Ordinal));
        if (!announce && !changed) return null;
        var review = verdict.Outcome == ScreeningOutcome.Review ? Reviews.Open : null;
        return await Save(tx, subject, verdict, review, trigger, changeId, actor, ct);
    }

    /// <summary>An officer's decision on a held subject: cleared (its evidence no longer holds it) or confirmed (it is refused).</summary>
    public async Task<Guid> Decide(NpgsqlTransaction tx, Subject subject, bool clear, string reason, string actor, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var inputs = subject.Read();
        var cleared = await Cleared(conn, tx, subject.Kind, subject.Id, ct, inputs: inputs);
        var current = await Evaluate(conn, tx, inputs, null, cleared, ct);
        var verdict = clear
            ? current with { Outcome = ScreeningOutcome.Clear, Reason = "Cleared by a compliance officer", Citation = null, Evidence = [] }
            : current with { Outcome = ScreeningOutcome.Block, Reason = $"Refused by a compliance officer: {reason}", Evidence = subject.Evidence };
        return await Save(tx, subject, verdict, clear ? Reviews.Cleared : Reviews.Confirmed, clear ? "officer-cleared" : "officer-confirmed", null, actor, ct);
    }

    async Task<Guid> Save(NpgsqlTransaction tx, Subject subject, Verdict verdict, string? review, string trigger, Guid? changeId, string actor, CancellationToken ct)
    {
        var conn = tx.Connection!;
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var sequence = subject.Sequence + 1;
        await conn.ExecuteAsync(new CommandDefinition(InsertDecision, new
        {
            Id = id,
            subject.Kind,
            SubjectId = subject.Id,
            SubjectVersion = subject.Version,
            Sequence = sequence,
            DecidedAt = now,
            Trigger = trigger,
            ChangeId = changeId,
            Actor = actor,
            verdict.Outcome,
            PreviousOutcome = subject.Outcome,
            verdict.Reason,
            verdict.Citation,
            verdict.ListVersion,
            verdict.RulesVersion,
            subject.Inputs,
            Hits = JsonSerializer.Serialize(verdict.Hits, Json),
            AppliedRules = JsonSerializer.Serialize(verdict.Rules, Json),
            Evidence = verdict.Evidence.ToArray(),
        }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(UpdateSubject, new
        {
            verdict.Outcome,
            verdict.Reason,
            DecisionId = id,
            Sequence = sequence,
            ScreenedVersion = subject.Version,
            Review = review,
            Evidence = verdict.Evidence.ToArray(),
            Now = now,
            subject.Kind,
            subject.Id,
        }, tx, cancellationToken: ct));
        await outbox.Add(tx, new ScreeningDecided
        {
            DecisionId = id,
            SubjectKind = subject.Kind,
            SubjectId = subject.Id,
            SubjectVersion = subject.Version,
            Sequence = sequence,
            Outcome = verdict.Outcome,
            PreviousOutcome = subject.Outcome,
            Reason = verdict.Reason,
            Citation = verdict.Citation,
            ListVersion = verdict.ListVersion,
            RulesVersion = verdict.RulesVersion,
            ChangeId = changeId,
            Actor = actor,
            OccurredAt = now,
        }, ct);
        return id;
    }
}
