using Channel.Contracts.Distributors;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>Both sides of a reseller authorization hear what changed, each in its own words.</summary>
public sealed class MailingAboutAuthorizations(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    [Fact]
    public async Task A_grant_and_a_revocation_reach_the_partners_and_the_distributors_users_and_the_revocation_says_why()
    {
        Guid partner = Guid.NewGuid(), distributor = Guid.NewGuid(), authorization = Guid.NewGuid();
        string partnerUser = $"pia-{Guid.NewGuid():N}@partners.example", distributorUser = $"dan-{Guid.NewGuid():N}@dist.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, partnerUser, "Pia Partner"));
        await app.Bus.Publish(new DistributorUserAdded
        {
            DistributorId = distributor,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "manager",
            User = new DistributorUser { UserId = Guid.NewGuid(), Name = "Dan Distributor", Email = distributorUser, Role = "operations" },
            Distributor = new DistributorState { Name = "Tailspin Distribution", Countries = ["US"], Regions = ["WA", "OR"] },
        });
        await app.Db.WaitFor($"select count(*) from recipients where owner_id in ('{partner}', '{distributor}')", 2);
        var state = new ResellerAuthorizationState { DistributorId = distributor, PartnerId = partner, Regions = ["WA", "OR"], Active = true };

        await app.Bus.Publish(new ResellerAuthorized { AuthorizationId = authorization, Version = 1, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Authorization = state });
        await app.Bus.Publish(new ResellerAuthorizationRevoked
        {
            AuthorizationId = authorization,
            Version = 2,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Reason = "The distributor's agreement for the Pacific Northwest ended.",
            Authorization = state with { Active = false },
        });

        var toPartner = await app.Mailbox.WaitFor(2, partnerUser);
        Assert.Equal(["Tailspin Distribution may now serve you (WA, OR)", "Tailspin Distribution no longer serves you"], toPartner.Select(m => m.Subject).Order());
        Assert.Contains("Why: The distributor's agreement for the Pacific Northwest ended.", toPartner.Single(m => m.Subject.Contains("no longer")).Text);
        var toDistributor = await app.Mailbox.WaitFor(2, distributorUser);
        Assert.Equal(["You may now serve Northwind Networks LLC (WA, OR)", "You no longer serve Northwind Networks LLC"], toDistributor.Select(m => m.Subject).Order());
        Assert.All(toPartner.Concat(toDistributor), m => Assert.Single(m.To));
    }

    [Fact]
    public async Task An_authorization_heard_of_before_its_distributor_names_the_distributor_it_carries()
    {
        Guid partner = Guid.NewGuid(), distributor = Guid.NewGuid();
        var partnerUser = $"pia-{Guid.NewGuid():N}@partners.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, partnerUser, "Pia Partner"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'", 1);

        // Notifications has never heard of this distributor: the event's own name is used, not "a distributor".
        await app.Bus.Publish(new ResellerAuthorized
        {
            AuthorizationId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "m",
            Authorization = new ResellerAuthorizationState
            {
                DistributorId = distributor,
                PartnerId = partner,
                Regions = ["TX"],
                Active = true,
                DistributorName = "Contoso Distribution",
                PartnerName = "Northwind Networks LLC",
            },
        });

        Assert.Equal("Contoso Distribution may now serve you (TX)", Assert.Single(await app.Mailbox.WaitFor(1, partnerUser)).Subject);
    }
}
