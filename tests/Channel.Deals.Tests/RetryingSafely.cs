using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Channel.Contracts.Deals;
using Channel.Testing;

namespace Channel.Deals.Tests;

/// <summary>
/// A client that got no answer registers again with the same Idempotency-Key and gets the first
/// answer back; nothing is registered twice, whatever the timing. The key is the caller's own.
/// </summary>
public sealed class RetryingSafely(DealsApp app) : IClassFixture<DealsApp>
{
    static HttpRequestMessage Registration(object body, string key) => new(HttpMethod.Post, "/api/deals")
    {
        Content = JsonContent.Create(body),
        Headers = { { "Idempotency-Key", key } },
    };

    async Task<long> DealsFor(string customer) =>
        await app.Db.Scalar<long>("select count(*) from deals where customer_name = @customer", new { customer });

    [Fact]
    public async Task The_same_key_and_request_answer_the_first_registration_again_and_register_nothing_twice()
    {
        var partner = await app.ActivePartner();
        var customer = $"Retry Medical {Guid.NewGuid():N}"[..24];
        var body = app.Registration(customer);
        var key = Guid.NewGuid().ToString();

        var first = await app.Partner(partner).SendAsync(Registration(body, key));
        var again = await app.Partner(partner).SendAsync(Registration(body, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        var (a, b) = (await first.Content.ReadFromJsonAsync<JsonElement>(), await again.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(a.GetProperty("id").GetGuid(), b.GetProperty("id").GetGuid());
        Assert.Equal(a.GetProperty("slaDueAt").GetDateTimeOffset(), b.GetProperty("slaDueAt").GetDateTimeOffset());
        Assert.Equal(1L, await DealsFor(customer));
        await app.Events.WaitFor<DealRegistered>(e => e.Deal.CustomerName == customer);
        await app.Events.Settle(app.Db);
        Assert.Single(app.Events.Of<DealRegistered>(), e => e.Deal.CustomerName == customer);
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_and_writes_nothing()
    {
        var partner = await app.ActivePartner();
        var key = Guid.NewGuid().ToString();
        var customer = $"Retry Retail {Guid.NewGuid():N}"[..24];
        (await app.Partner(partner).SendAsync(Registration(app.Registration(customer), key))).EnsureSuccessStatusCode();

        var other = await app.Partner(partner).SendAsync(Registration(app.Registration(customer + " West"), key));

        var problem = await other.AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(key, problem.GetProperty("idempotencyKey").GetString());
        Assert.Equal(0L, await DealsFor(customer + " West"));
    }

    [Fact]
    public async Task Many_copies_of_one_request_at_once_register_one_deal_and_all_get_its_answer()
    {
        var partner = await app.ActivePartner();
        var customer = $"Retry Storm {Guid.NewGuid():N}"[..24];
        var body = app.Registration(customer);
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Partner(partner).SendAsync(Registration(body, key))));

        Assert.All(answers, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var ids = await Task.WhenAll(answers.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        Assert.Single(ids.Distinct());
        Assert.Equal(1L, await DealsFor(customer));
    }

    [Fact]
    public async Task Keys_belong_to_their_caller()
    {
        var (first, second) = (await app.ActivePartner(), await app.ActivePartner());
        var key = Guid.NewGuid().ToString();
        var customer = $"Retry Shared {Guid.NewGuid():N}"[..24];

        var a = await app.Partner(first).SendAsync(Registration(app.Registration(customer), key));
        var b = await app.Partner(second).SendAsync(Registration(app.Registration(customer), key));

        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
        Assert.False(b.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2L, await DealsFor(customer));
    }

    [Fact]
    public async Task A_refused_request_leaves_its_key_free_for_the_retry_that_succeeds()
    {
        var partner = await app.PartnerWithStatus("suspended");
        var key = Guid.NewGuid().ToString();
        var customer = $"Retry Later {Guid.NewGuid():N}"[..24];
        var body = app.Registration(customer);

        await (await app.Partner(partner).SendAsync(Registration(body, key))).AssertProblem(HttpStatusCode.Forbidden);
        await app.PartnerWithStatus("active", partner);
        var retried = await app.Partner(partner).SendAsync(Registration(body, key));

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1L, await DealsFor(customer));
    }

    [Theory]
    [InlineData("key with spaces")]
    [InlineData("ключ")]
    public async Task A_malformed_key_is_refused_naming_the_header(string key)
    {
        var partner = await app.ActivePartner();
        var customer = $"Retry Bad Key {Guid.NewGuid():N}"[..24];
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/deals") { Content = JsonContent.Create(app.Registration(customer)) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await (await app.Partner(partner).SendAsync(request)).AssertBadRequest("Idempotency-Key");
        Assert.Equal(0L, await DealsFor(customer));
    }

    [Fact]
    public async Task A_key_too_long_is_refused()
    {
        var partner = await app.ActivePartner();
        await (await app.Partner(partner).SendAsync(Registration(app.Registration("Long Key Corp"), new string('k', 256))))
            .AssertBadRequest("Idempotency-Key");
    }
}
