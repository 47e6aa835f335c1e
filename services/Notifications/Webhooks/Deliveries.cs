using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace Channel.Notifications.Webhooks;

/// <summary>What an event is about, for its payload and for choosing who may receive it.</summary>
public sealed record EventSubject(string Type, Guid Id, int Version, IReadOnlyList<Guid> Partners, IReadOnlyList<Guid> Distributors);

/// <summary>
/// The deliveries this service owes: one per event and subscription that wants it, written in the
/// consumer's transaction; the <see cref="WebhookDeliverer"/> posts them.
/// </summary>
public sealed class Deliveries(WebhookOptions options, WebhookDeliverer deliverer)
{
    // Scope is here, in the one query that chooses receivers: a partner's subscription only for events
    // about that partner, a distributor's only for its own, the vendor's for all.
    const string OweSql = $"""
        insert into deliveries (subscription_id, event_id, kind, payload, retry_until)
        select s.id, @EventId, @Kind, @Payload, now() + @RetryFor
        from subscriptions s
        where @Kind = any(s.kinds)
          and (s.owner_kind = '{Owners.Vendor}'
            or (s.owner_kind = '{Owners.Partner}' and s.owner_id = any(@Partners))
            or (s.owner_kind = '{Owners.Distributor}' and s.owner_id = any(@Distributors)))
        on conflict (subscription_id, event_id) do nothing
        """;

    /// <summary>How payloads are written: camelCase, numbers as numbers, no needless escapes (a '+' stays a '+').</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// The payload every receiver gets: the event's id and kind, when it happened, what it is about
    /// (type, id, version: keep the highest version you have seen, deliveries are not ordered), and
    /// the event as published, with the state of the thing.
    /// </summary>
    public static string Payload(Guid eventId, string kind, DateTimeOffset occurredAt, string subjectType, Guid subjectId, int version, JsonNode? data) =>
        new JsonObject
        {
            ["id"] = eventId,
            ["kind"] = kind,
            ["occurredAt"] = occurredAt,
            ["subject"] = new JsonObject { ["type"] = subjectType, ["id"] = subjectId, ["version"] = version },
            ["data"] = data,
        }.ToJsonString(Json);

    /// <summary>Owes the event to every subscription that wants it and may see it; returns how many.</summary>
    public async Task<int> Owe(NpgsqlTransaction tx, string kind, EventSubject subject, DateTimeOffset occurredAt, JsonNode? data, CancellationToken ct)
    {
        var eventId = EventIds.Of(subject.Type, subject.Id, subject.Version);
        var owed = await tx.Connection!.ExecuteAsync(new CommandDefinition(OweSql, new
        {
            EventId = eventId,
            Kind = kind,
            Payload = Payload(eventId, kind, occurredAt, subject.Type, subject.Id, subject.Version, data),
            options.RetryFor,
            Partners = subject.Partners.ToArray(),
            Distributors = subject.Distributors.ToArray(),
        }, tx, cancellationToken: ct));
        if (owed > 0) deliverer.WakeSoon();
        return owed;
    }
}
