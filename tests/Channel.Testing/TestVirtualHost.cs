using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Channel.Testing;

/// <summary>A RabbitMQ virtual host of its own for one fixture (made through the management API), deleted at the end.</summary>
public sealed class TestVirtualHost : IAsyncDisposable
{
    readonly HttpClient api;
    public string Name { get; }
    public string Uri { get; }

    TestVirtualHost(string name, string brokerUri, string apiUri)
    {
        Name = name;
        Uri = new UriBuilder(brokerUri) { Path = "/" + name }.Uri.ToString();
        api = Management(apiUri);
    }

    public static HttpClient Management(string apiUri)
    {
        var address = new Uri(apiUri);
        var client = new HttpClient { BaseAddress = new UriBuilder(address) { UserName = "", Password = "" }.Uri, Timeout = TimeSpan.FromSeconds(30) };
        var user = System.Uri.UnescapeDataString(address.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user)));
        return client;
    }

    public static Task<TestVirtualHost> Create(string purpose) =>
        Create(purpose, TestEnvironment.Rabbit, TestEnvironment.RabbitApi);

    public static async Task<TestVirtualHost> Create(string purpose, string brokerUri, string apiUri)
    {
        var vhost = new TestVirtualHost($"t-{purpose}-{Guid.NewGuid():N}", brokerUri, apiUri);
        (await vhost.api.PutAsJsonAsync($"vhosts/{vhost.Name}", new { })).EnsureSuccessStatusCode();
        var user = System.Uri.UnescapeDataString(new Uri(brokerUri).UserInfo).Split(':')[0];
        (await vhost.api.PutAsJsonAsync($"permissions/{vhost.Name}/{user}", new { configure = ".*", write = ".*", read = ".*" }))
            .EnsureSuccessStatusCode();
        return vhost;
    }

    public async ValueTask DisposeAsync()
    {
        try { await api.DeleteAsync($"vhosts/{Name}"); } catch (HttpRequestException) { }
        api.Dispose();
    }
}
