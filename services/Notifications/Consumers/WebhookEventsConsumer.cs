using System.Text.Json;
using System.Text.Json.Nodes;
using Channel.Contracts.Deals;
using Channel.Contracts.Distributors;
using Channel.Contracts.Partners;
using Channel.Messaging;
using Channel.Notifications.Webhooks;
using MassTransit;

namespace Channel.Notifications.Consumers;

/// <summary>
/// Turns every deal, partner, distributor and authorization event into a delivery for each webhook
/// subscription that wants its kind and may see what it is about. The payload's data is the event
/// as it was published, state included.
/// </summary>
public sealed class WebhookEventsConsumer(Inbox<WebhookEventsConsumer> inbox, Deliveries deliveries) :
    IConsumer<IDealEvent>, IConsumer<IPartnerEvent>, IConsumer<IDistributorEvent>, IConsumer<IResellerAuthorizationEvent>
{
    /// <summary>The envelope's message as MassTransit writes it (amounts may come as strings).</summary>
    static readonly JsonSerializerOptions Read = new(JsonSerializerDefaults.Web);

    public Task Consume(ConsumeContext<IDealEvent> context)
    {
        var e = context.Message;
        return Owe(context, e.OccurredAt, new EventSubject("deal", e.DealId, e.Version, [e.Deal.PartnerId],
            e.Deal.DistributorId is { } d ? [d] : []));
    }

    public Task Consume(ConsumeContext<IPartnerEvent> context)
    {
        var e = context.Message;
        return Owe(context, e.OccurredAt, new EventSubject("partner", e.PartnerId, e.Version, [e.PartnerId], []));
    }

    public Task Consume(ConsumeContext<IDistributorEvent> context)
    {
        var e = context.Message;
        return Owe(context, e.OccurredAt, new EventSubject("distributor", e.DistributorId, e.Version, [], [e.DistributorId]));
    }

    public Task Consume(ConsumeContext<IResellerAuthorizationEvent> context)
    {
        var e = context.Message;
        return Owe(context, e.OccurredAt, new EventSubject("authorization", e.AuthorizationId, e.Version,
            [e.Authorization.PartnerId], [e.Authorization.DistributorId]));
    }

    Task Owe<T>(ConsumeContext<T> context, DateTimeOffset occurredAt, EventSubject subject) where T : class =>
        inbox.Once(context, async (tx, ct) =>
        {
            // The message is read as its interface; its kind is the first type the envelope names, and
            // its data the whole message as published (the interface alone would drop reasons, users, sources),
            // read as its contract type and written as the payload's JSON.
            if (WebhookKinds.OfMessageType(context.SupportedMessageTypes.FirstOrDefault()) is not { } found)
                return; // a replay of state: nothing happened that a receiver has not heard
            var message = JsonNode.Parse(context.ReceiveContext.Body.GetBytes())?["message"]
                ?? throw new InvalidOperationException($"{found.Kind}: the envelope carries no message");
            var data = JsonSerializer.SerializeToNode(message.Deserialize(found.Type, Read), found.Type, Deliveries.Json);
            await deliveries.Owe(tx, found.Kind, subject, occurredAt, data, ct);
        });
}
