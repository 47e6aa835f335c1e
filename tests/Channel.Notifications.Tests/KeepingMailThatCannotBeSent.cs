using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Testing;

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

        // The operator sees it failing, and why, in the mail log; and may send it at once.
        var admin = app.CreateClient().As(Roles.Admin);
        var log = await admin.GetFromJsonAsync<JsonElement>("/api/notifications/admin/mails?status=failing");
        var mail = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal("deal-approved", mail.GetProperty("kind").GetString());
        Assert.Contains("Socket", mail.GetProperty("lastError").GetString());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/notifications/admin/mails?status=sent")).GetProperty("items").EnumerateArray());
        var id = mail.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/notifications/admin/mails/{id}/resend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/notifications/admin/mails/{id + 1000}/resend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient().As(Roles.ChannelManager).GetAsync("/api/notifications/admin/mails")).StatusCode);
    }
}
