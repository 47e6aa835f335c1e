using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Hosting.Auth;
using Channel.Testing;

namespace Channel.Notifications.Tests;

/// <summary>Signed webhooks to a receiver on 127.0.0.1: what arrives, for whom, and what happens when the receiver fails.</summary>
public sealed class DeliveringWebhooks(NotificationsApp app) : IClassFixture<NotificationsApp>, IAsyncLifetime
{
    WebhookReceiver receiver = null!;

    public async Task InitializeAsync() => receiver = await WebhookReceiver.Start();

    public async Task DisposeAsync() => await receiver.DisposeAsync();

    HttpClient Partner(Guid partner) => app.CreateClient().As(Roles.Partner, partnerId: partner);

    static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    async Task<(Guid Id, string Secret)> Subscribe(HttpClient client, string path, params string[] kinds)
    {
        var made = await Json(await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url = receiver.Url(path), kinds }),
            HttpStatusCode.Created);
        return (made.GetProperty("id").GetGuid(), made.GetProperty("secret").GetString()!);
    }

    static DealApproved Approved(Guid partner, Guid? distributor = null, Guid? deal = null, int version = 2) => new()
    {
        DealId = deal ?? Guid.NewGuid(),
        Version = version,
        OccurredAt = DateTimeOffset.UtcNow,
        Actor = "manager-alice",
        Deal = Events.Deal(partner, DealStatus.Approved) with { DistributorId = distributor },
    };

    Task<JsonElement> Deliveries(HttpClient client, Guid subscription, int expected) =>
        Eventually.Value(async () => (await Json(await client.GetAsync($"/api/notifications/subscriptions/{subscription}/deliveries"), HttpStatusCode.OK)).GetProperty("items"),
            items => items.GetArrayLength() >= expected && items.EnumerateArray().All(d => d.GetProperty("status").GetString() is "delivered" or "given_up"),
            $"{expected} deliveries settled (delivered or given up)");

    [Fact]
    public async Task A_delivery_is_signed_over_its_timestamp_and_body_and_carries_the_event_with_its_version()
    {
        var partner = Guid.NewGuid();
        var client = Partner(partner);
        var (subscription, secret) = await Subscribe(client, "signed", "deal.approved");
        Assert.StartsWith("whsec_", secret);
        var approved = Approved(partner, version: 3);

        await app.Bus.Publish(approved);

        var post = Assert.Single(await receiver.WaitFor("signed", 1));
        Assert.True(post.SignatureVerifies(secret), $"signature {post.Headers["Channel-Signature"]} does not verify");
        Assert.False(post.SignatureVerifies(secret + "x"), "a wrong secret verifies too");
        Assert.False((post with { Body = post.Body.Replace("Contoso", "Contoso!", StringComparison.Ordinal) }).SignatureVerifies(secret),
            "a changed body verifies too");
        var json = post.Json;
        Assert.Equal("deal.approved", json.GetProperty("kind").GetString());
        Assert.Equal(EventIds.Of("deal", approved.DealId, 3), json.GetProperty("id").GetGuid());
        Assert.Equal(post.Headers["Channel-Event-Id"], json.GetProperty("id").GetString());
        Assert.Equal("deal", json.GetProperty("subject").GetProperty("type").GetString());
        Assert.Equal(approved.DealId, json.GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(3, json.GetProperty("subject").GetProperty("version").GetInt32());
        var data = json.GetProperty("data");
        Assert.Equal("manager-alice", data.GetProperty("actor").GetString());
        Assert.Equal("Contoso Regional Hospital", data.GetProperty("deal").GetProperty("customerName").GetString());
        Assert.Equal("approved", data.GetProperty("deal").GetProperty("status").GetString());
        Assert.Equal(125_000m, data.GetProperty("deal").GetProperty("totalValue").GetDecimal());
        Assert.Equal(approved.OccurredAt, data.GetProperty("occurredAt").GetDateTimeOffset());

        var log = await Deliveries(client, subscription, 1);
        var delivery = Assert.Single(log.EnumerateArray());
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(200, delivery.GetProperty("lastStatusCode").GetInt32());
    }

    [Fact]
    public async Task A_receiver_failing_three_times_then_answering_gets_the_event_in_the_end_and_the_log_shows_each_attempt()
    {
        var partner = Guid.NewGuid();
        var client = Partner(partner);
        receiver.Answer = (path, before) => path == "/flaky" && before < 3 ? 500 : 200;
        var (subscription, secret) = await Subscribe(client, "flaky", "deal.approved");

        await app.Bus.Publish(Approved(partner));

        var posts = await receiver.WaitFor("flaky", 4);
        Assert.Single(posts.Select(p => p.EventId).Distinct());
        Assert.All(posts, p => Assert.True(p.SignatureVerifies(secret)));
        var delivery = Assert.Single((await Deliveries(client, subscription, 1)).EnumerateArray());
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        var detail = await Json(await client.GetAsync($"/api/notifications/subscriptions/{subscription}/deliveries/{delivery.GetProperty("id").GetInt64()}"),
            HttpStatusCode.OK);
        var attempts = detail.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([500, 500, 500, 200], attempts.Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal([false, false, false, true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(posts[0].Body),
            System.Text.Json.Nodes.JsonNode.Parse(detail.GetProperty("payload").GetRawText())), "the log's payload is not what was sent");
        // Delivered once in the end: nothing more is due, so the receiver got exactly those four posts.
        Assert.Equal(0, await app.Db.Scalar<long>(
            "select count(*) from deliveries where subscription_id = @subscription and delivered_at is null", new { subscription }));
        Assert.Equal(4, receiver.At("flaky").Count);
        Assert.Equal(0, (await Json(await client.GetAsync($"/api/notifications/subscriptions/{subscription}"), HttpStatusCode.OK))
            .GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task A_partners_subscription_never_receives_another_partners_event_nor_a_distributor_another_distributors()
    {
        Guid mine = Guid.NewGuid(), theirs = Guid.NewGuid(), distributor = Guid.NewGuid(), otherDistributor = Guid.NewGuid();
        await Subscribe(Partner(mine), "mine", "deal.approved", "deal.rejected");
        await Subscribe(Partner(theirs), "theirs", "deal.approved");
        await Subscribe(app.CreateClient().As(Roles.Distributor, distributorId: distributor), "distributor", "deal.approved");
        await Subscribe(app.CreateClient().As(Roles.Distributor, distributorId: otherDistributor), "other-distributor", "deal.approved");
        await Subscribe(app.CreateClient().As(Roles.Admin), "vendor", "deal.approved");
        var myDeal = Approved(mine);
        var theirDeal = Approved(theirs, distributor: distributor);

        await app.Bus.Publish(myDeal);
        await app.Bus.Publish(theirDeal);

        var vendor = await receiver.WaitFor("vendor", 2);
        Assert.Equal(new[] { myDeal.DealId, theirDeal.DealId }.Order(), vendor.Select(p => p.Json.GetProperty("subject").GetProperty("id").GetGuid()).Order());
        Assert.Equal(myDeal.DealId, Assert.Single(await receiver.WaitFor("mine", 1)).Json.GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(theirDeal.DealId, Assert.Single(await receiver.WaitFor("theirs", 1)).Json.GetProperty("subject").GetProperty("id").GetGuid());
        Assert.Equal(theirDeal.DealId, Assert.Single(await receiver.WaitFor("distributor", 1)).Json.GetProperty("subject").GetProperty("id").GetGuid());
        // Every delivery owed is made; none was owed to the subscriptions that may not see the deal.
        await app.Db.WaitFor("select count(*) from deliveries where delivered_at is null and event_id = any(@ids)", 0,
            args: new { ids = new[] { EventIds.Of("deal", myDeal.DealId, 2), EventIds.Of("deal", theirDeal.DealId, 2) } });
        Assert.Single(receiver.At("mine"));
        Assert.Single(receiver.At("theirs"));
        Assert.Empty(receiver.At("other-distributor"));
    }

    [Fact]
    public async Task An_event_delivered_again_or_published_again_is_delivered_once()
    {
        var partner = Guid.NewGuid();
        var (subscription, _) = await Subscribe(Partner(partner), "once", "deal.approved");
        var approved = Approved(partner);
        var messageId = Guid.NewGuid();

        await app.Bus.Publish(approved, messageId);
        await app.Bus.Publish(approved, messageId); // the broker's redelivery
        await app.Bus.Publish(approved);            // the relay publishing it again under a new message id
        await app.Bus.Publish(Approved(partner));   // another event, as a marker behind them
        await receiver.WaitFor("once", 2);
        await app.Bus.Settle(app.Db);

        Assert.Equal(2, await app.Db.Scalar<long>("select count(*) from deliveries where subscription_id = @subscription", new { subscription }));
        await app.Db.WaitFor("select count(*) from deliveries where delivered_at is null and subscription_id = @subscription", 0,
            args: new { subscription });
        Assert.Equal(1, receiver.At("once").Count(p => p.Json.GetProperty("subject").GetProperty("id").GetGuid() == approved.DealId));
    }

    [Fact]
    public async Task A_subscription_failing_again_and_again_is_disabled_its_owner_is_mailed_and_enabling_it_delivers_what_waited()
    {
        var partner = Guid.NewGuid();
        var user = $"ivy-{Guid.NewGuid():N}@partners.example";
        await app.Bus.Publish(Events.UserAdded(partner, 2, user, "Ivy Integrator"));
        await app.Db.WaitFor($"select count(*) from recipients where owner_id = '{partner}'");
        var client = Partner(partner);
        var down = true;
        receiver.Answer = (path, _) => path == "/down" && down ? 503 : 200;
        var (subscription, _) = await Subscribe(client, "down", "deal.registered");

        await app.Bus.Publish(new DealRegistered
        {
            DealId = Guid.NewGuid(),
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = "ivy",
            Deal = Events.Deal(partner, DealStatus.Submitted),
        });

        var mail = Assert.Single(await app.Mailbox.WaitFor(1, user));
        Assert.Equal($"Webhook disabled: {receiver.Url("down")}", mail.Subject);
        Assert.Contains("5 deliveries in a row failed", mail.Text);
        Assert.Contains("the receiver answered 503", mail.Text);
        var disabled = await Json(await client.GetAsync($"/api/notifications/subscriptions/{subscription}"), HttpStatusCode.OK);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        var tried = receiver.At("down").Count;
        Assert.Equal(5, tried);
        await Json(await client.PostAsync($"/api/notifications/subscriptions/{subscription}/ping", null), HttpStatusCode.Conflict);

        down = false;
        var enabled = await Json(await client.PatchAsJsonAsync($"/api/notifications/subscriptions/{subscription}", new { enabled = true }), HttpStatusCode.OK);
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, enabled.GetProperty("consecutiveFailures").GetInt32());
        var delivered = Assert.Single((await Deliveries(client, subscription, 1)).EnumerateArray());
        Assert.Equal("delivered", delivered.GetProperty("status").GetString());
        Assert.Equal(6, delivered.GetProperty("attempts").GetInt32());

        // Redeliver sends the same event again, on request.
        var id = delivered.GetProperty("id").GetInt64();
        await Json(await client.PostAsync($"/api/notifications/subscriptions/{subscription}/deliveries/{id}/redeliver", null), HttpStatusCode.Accepted);
        var posts = await receiver.WaitFor("down", 7);
        Assert.Single(posts.Select(p => p.EventId).Distinct());
    }

    [Fact]
    public async Task A_ping_arrives_signed_like_any_event()
    {
        var client = app.CreateClient().As(Roles.Admin);
        var (subscription, secret) = await Subscribe(client, "ping", "partner.applied");

        var queued = await Json(await client.PostAsync($"/api/notifications/subscriptions/{subscription}/ping", null), HttpStatusCode.Accepted);

        var post = Assert.Single(await receiver.WaitFor("ping", 1));
        Assert.True(post.SignatureVerifies(secret));
        Assert.Equal("ping", post.Kind);
        Assert.Equal(subscription, post.Json.GetProperty("data").GetProperty("subscriptionId").GetGuid());
        Assert.Equal(queued.GetProperty("eventId").GetString(), post.EventId);
    }

    [Fact]
    public async Task Subscriptions_are_the_owners_own_another_owners_are_not_found_and_staff_without_systems_may_not_subscribe()
    {
        Guid mine = Guid.NewGuid(), theirs = Guid.NewGuid();
        var (subscription, _) = await Subscribe(Partner(mine), "private", "deal.approved");
        var other = Partner(theirs);

        await (await other.GetAsync($"/api/notifications/subscriptions/{subscription}")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/notifications/subscriptions/{subscription}/deliveries")).AssertProblem(HttpStatusCode.NotFound);
        await (await other.PatchAsJsonAsync($"/api/notifications/subscriptions/{subscription}", new { url = receiver.Url("stolen") }))
            .AssertProblem(HttpStatusCode.NotFound);
        await (await other.PostAsync($"/api/notifications/subscriptions/{subscription}/secret", null)).AssertProblem(HttpStatusCode.NotFound);
        await (await other.DeleteAsync($"/api/notifications/subscriptions/{subscription}")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty((await Json(await other.GetAsync("/api/notifications/subscriptions"), HttpStatusCode.OK)).EnumerateArray());
        var own = await Json(await Partner(mine).GetAsync("/api/notifications/subscriptions"), HttpStatusCode.OK);
        Assert.Equal(subscription, Assert.Single(own.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.False(Assert.Single(own.EnumerateArray()).TryGetProperty("secret", out var shown) && shown.ValueKind != JsonValueKind.Null);
        Assert.Equal(receiver.Url("private"), (await Json(await Partner(mine).GetAsync($"/api/notifications/subscriptions/{subscription}"),
            HttpStatusCode.OK)).GetProperty("url").GetString());

        var manager = app.CreateClient().As(Roles.ChannelManager);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync("/api/notifications/subscriptions",
            new { url = receiver.Url("x"), kinds = new[] { "deal.approved" } })).StatusCode);
    }

    [Fact]
    public async Task Kinds_outside_what_the_owner_may_see_and_bad_urls_are_refused_by_field_and_nothing_is_saved()
    {
        var partner = Guid.NewGuid();
        var client = Partner(partner);

        await (await client.PostAsJsonAsync("/api/notifications/subscriptions",
            new { url = receiver.Url("k"), kinds = new[] { "deal.approved", "distributor.onboarded", "no.such" } })).AssertBadRequest("kinds");
        await (await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url = receiver.Url("k"), kinds = Array.Empty<string>() }))
            .AssertBadRequest("kinds");
        await (await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url = "not a url", kinds = new[] { "deal.approved" } }))
            .AssertBadRequest("url");
        await (await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url = "ftp://example.com/x", kinds = new[] { "deal.approved" } }))
            .AssertBadRequest("url");
        await (await client.PostAsJsonAsync("/api/notifications/subscriptions", new { kinds = new[] { "deal.approved" } })).AssertBadRequest("url");

        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from subscriptions where owner_id = @partner", new { partner }));
        var kinds = await Json(await client.GetAsync("/api/notifications/webhook-kinds"), HttpStatusCode.OK);
        Assert.Contains("deal.approved", kinds.EnumerateArray().Select(k => k.GetString()));
        Assert.DoesNotContain("distributor.onboarded", kinds.EnumerateArray().Select(k => k.GetString()));
    }
}

/// <summary>Outside development, webhooks go only to https URLs on public addresses.</summary>
public sealed class RefusingPrivateWebhookTargets(NotificationsAsInProduction app) : IClassFixture<NotificationsAsInProduction>
{
    [Theory]
    [InlineData("http://203.0.113.10/hook")]          // plain http
    [InlineData("https://127.0.0.1/hook")]            // loopback
    [InlineData("https://localhost:8443/hook")]       // loopback by name
    [InlineData("https://[::1]/hook")]
    [InlineData("https://10.1.2.3/hook")]             // private networks
    [InlineData("https://172.20.0.5/hook")]
    [InlineData("https://192.168.1.20/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")] // link-local: the cloud's metadata service
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]    // a private address in IPv6 clothing
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://user:pass@203.0.113.10/hook")]
    public async Task A_subscription_to_a_private_or_plain_http_address_is_refused_and_nothing_is_saved(string url)
    {
        var partner = Guid.NewGuid();
        var client = app.CreateClient().As(Roles.Partner, partnerId: partner);

        await (await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url, kinds = new[] { "deal.approved" } })).AssertBadRequest("url");

        Assert.Equal(0, await app.Db.Scalar<long>("select count(*) from subscriptions where owner_id = @partner", new { partner }));
    }

    [Fact]
    public async Task An_https_url_on_a_public_address_is_taken_and_cannot_be_changed_to_a_private_one()
    {
        var client = app.CreateClient().As(Roles.Partner, partnerId: Guid.NewGuid());
        var made = await client.PostAsJsonAsync("/api/notifications/subscriptions", new { url = "https://203.0.113.10/hook", kinds = new[] { "deal.approved" } });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var id = (await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await (await client.PatchAsJsonAsync($"/api/notifications/subscriptions/{id}", new { url = "https://10.0.0.7/hook" })).AssertBadRequest("url");

        Assert.Equal("https://203.0.113.10/hook", await app.Db.Scalar<string>("select url from subscriptions where id = @id", new { id }));
    }
}
