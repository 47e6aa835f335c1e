using System.Net;
using System.Net.Http;
using Channel.Notifications.Webhooks;

namespace Channel.Notifications.Tests;

/// <summary>The rule of which addresses a webhook may reach, and that the connection itself obeys it (a name that resolves inward later).</summary>
public sealed class GuardingWebhookAddresses
{
    [Theory]
    [InlineData("203.0.113.10", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.8.9.10", false)]
    [InlineData("::1", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("::ffff:192.168.1.1", false)]
    [InlineData("::ffff:203.0.113.10", true)]
    public void Only_public_addresses_are_allowed_by_default(string address, bool allowed) =>
        Assert.Equal(allowed, new AddressGuard(new WebhookOptions()).Allows(IPAddress.Parse(address)));

    [Fact]
    public void Development_may_allow_loopback_and_an_internal_receiver_private_networks_but_never_link_local()
    {
        var guard = new AddressGuard(new WebhookOptions { AllowLoopback = true, AllowPrivateNetworks = true });
        Assert.True(guard.Allows(IPAddress.Loopback));
        Assert.True(guard.Allows(IPAddress.Parse("10.1.2.3")));
        Assert.False(guard.Allows(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public async Task The_connection_itself_refuses_an_address_the_rule_forbids_whatever_the_url_said_when_it_was_saved()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(new SocketsHttpHandler { ConnectCallback = new AddressGuard(new WebhookOptions()).Connect });

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://localhost:{port}/hook", new StringContent("{}")));

        Assert.Contains("resolves to an address webhooks may not reach", refused.Message + refused.InnerException?.Message);
        Assert.False(listener.Pending(), "the guard let the connection through");
        listener.Stop();
    }
}
