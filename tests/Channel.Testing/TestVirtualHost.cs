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

    /// <summary>Declares a classic queue through the management API (a quorum queue of the same name can then not be declared).</summary>
    public async Task DeclareClassicQueue(string queue) =>
        (await api.PutAsJsonAsync($"queues/{System.Uri.EscapeDataString(Name)}/{System.Uri.EscapeDataString(queue)}",
            new { durable = true, auto_delete = false, arguments = new Dictionary<string, object>() })).EnsureSuccessStatusCode();

    public async Task DeleteQueue(string queue) =>
        (await api.DeleteAsync($"queues/{System.Uri.EscapeDataString(Name)}/{System.Uri.EscapeDataString(queue)}")).EnsureSuccessStatusCode();

    /// <summary>Each queue of this virtual host with its messages, consumers and state, for a failing test to say what the broker holds.</summary>
    public async Task<string> DescribeQueues()
    {
        try
        {
            var queues = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"queues/{System.Uri.EscapeDataString(Name)}");
            return string.Join("; ", queues.EnumerateArray().Select(q =>
                $"{Field(q, "name")} ({Field(q, "type")}, {Field(q, "state")}): ready {Field(q, "messages_ready")}, " +
                $"unacked {Field(q, "messages_unacknowledged")}, consumers {Field(q, "consumers")}"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return $"queues unknown ({e.Message})"; }

        static string Field(System.Text.Json.JsonElement q, string name) => q.TryGetProperty(name, out var v) ? v.ToString() : "?";
    }

    public async ValueTask DisposeAsync()
    {
        try { await api.DeleteAsync($"vhosts/{Name}"); } catch (HttpRequestException) { }
        api.Dispose();
    }
}
