using System.Security.Claims;
using Channel.Hosting.Auth;
using Channel.Notifications.Webhooks;

namespace Channel.Notifications.Features;

/// <summary>The event kinds the caller's owner may subscribe to.</summary>
public static class ListWebhookKinds
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/webhook-kinds", Handle).RequireAuthorization(Policies.Authenticated)
            .Produces<string[]>().ProducesProblem(403).WithSummary("The event kinds you may subscribe to");

    static IResult Handle(ClaimsPrincipal user) =>
        Subscriptions.Of(Caller.From(user)) is { } owner ? TypedResults.Ok(WebhookKinds.For(owner.Kind)) : TypedResults.Forbid();
}
