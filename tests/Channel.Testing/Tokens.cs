using System.Net.Http.Headers;
using Channel.Hosting.Auth;

namespace Channel.Testing;

public static class Tokens
{
    public static string For(string role, Guid? partnerId = null, Guid? distributorId = null, string? subject = null) =>
        AuthSetup.Mint(TestEnvironment.SigningKey, role, subject ?? $"test-{role}", partnerId, distributorId);

    public static HttpClient As(this HttpClient client, string role, Guid? partnerId = null, Guid? distributorId = null)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", For(role, partnerId, distributorId));
        return client;
    }
}
