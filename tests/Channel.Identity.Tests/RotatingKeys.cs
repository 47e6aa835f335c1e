using System.Net.Http.Json;
using System.Text.Json;
using Channel.Testing;

namespace Channel.Identity.Tests;

/// <summary>Keys rotate on their own: the next one is published before it signs, and takes over when its time comes, without a restart.</summary>
public sealed class RotatingKeys(IdentityWithFastRotation app) : IClassFixture<IdentityWithFastRotation>
{
    sealed record Key(string Id, string Use, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool SignsNow);

    async Task<List<Key>> SigningKeys() =>
        [.. (await app.CreateClient().As("admin").GetFromJsonAsync<List<Key>>("/api/identity/admin/keys", JsonSerializerOptions.Web))!.Where(k => k.Use == "signing")];

    async Task<List<string>> Published() =>
        [.. (await app.CreateClient().GetFromJsonAsync<JsonElement>("/identity/.well-known/jwks")).GetProperty("keys").EnumerateArray()
            .Select(k => k.GetProperty("kid").GetString()!)];

    [Fact]
    public async Task The_next_key_is_published_ahead_then_signs_and_the_first_stays_published()
    {
        var first = Assert.Single(await SigningKeys());
        Assert.True(first.SignsNow);

        // Made by the periodic check (every half second) when the first key has signed for 22 seconds, to sign no sooner than its 30th
        // (and at least 8 seconds after it is published). The first key is dated a minute back for skewed clocks; its successor counts
        // from when it was made, not from that date (else it would be due at once and this test would see two keys).
        var keys = await Eventually.Value(SigningKeys, keys => keys.Count >= 2, "a second key made");
        var next = keys.Single(k => k.Id != first.Id);
        Assert.True(next.NotBefore >= first.NotBefore.AddSeconds(30), $"{next.NotBefore:O} should be 30 s after {first.NotBefore:O} or later");
        if (DateTimeOffset.UtcNow < next.NotBefore.AddSeconds(-1))
        {
            // Published, not signing yet.
            Assert.Contains(next.Id, await Published());
            Assert.True(keys.Single(k => k.Id == first.Id).SignsNow);
        }

        keys = await Eventually.Value(SigningKeys, keys => keys.Single(k => k.Id == next.Id).SignsNow, "the next key taking over");
        Assert.False(keys.Single(k => k.Id == first.Id).SignsNow);
        // OpenIddict signs with it too once the ring has handed it over (its check wakes when the key's time comes).
        string? kid = null;
        for (var until = DateTime.UtcNow.AddSeconds(10); kid != next.Id; await Task.Delay(100))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"tokens are still signed with {kid}, not {next.Id}");
            var (_, token) = await CodeFlow.Token(app.CreateClient(), new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = IdentityApp.IntegrationClient,
                ["client_secret"] = IdentityApp.IntegrationSecret,
            });
            kid = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token.GetProperty("access_token").GetString()).Kid;
        }
        Assert.Contains(first.Id, await Published());
    }
}
