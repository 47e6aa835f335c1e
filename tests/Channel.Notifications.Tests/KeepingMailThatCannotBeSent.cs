using Channel.Contracts.Deals;

namespace Channel.Notifications.Tests;

/// <summary>With no SMTP server to take it, a mail is kept, its error recorded, and tried again later: never dropped.</summary>
public sealed class KeepingMailThatCannotBeSent(NotificationsWithoutSmtp app) : IClassFixture<NotificationsWithoutSmtp>
{
    [Fact]
    public async Task A_mail_that_cannot_be_sent_stays_owed_with_its_error_and_a_later_attempt()
    {
        var partner = Guid.NewGuid();
        await app.Bus.Publish(Events.UserAdded(partner, 2, $"kim-{Guid.NewGuid():N}@partners.example"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'", 1);

        await app.Bus.Publish(new DealApproved { DealId = Guid.NewGuid(), Version = 2, OccurredAt = DateTimeOffset.UtcNow, Actor = "m", Deal = Events.Deal(partner, DealStatus.Approved) });

        await app.Db.WaitFor("select count(*) from mails where attempts > 0 and last_error is not null and next_attempt_at > now() and sent_at is null", 1);
        Assert.Equal(1L, await app.Db.Scalar<long>("select count(*) from mails"));
    }
}
