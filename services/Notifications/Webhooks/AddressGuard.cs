using System.Net;
using System.Net.Sockets;

namespace Channel.Notifications.Webhooks;

/// <summary>
/// Keeps webhooks off addresses they must not reach: loopback, private networks, link-local (the
/// cloud metadata service lives there), and the other special ranges. Checked when a subscription is
/// saved and again at every connection, on the address actually connected to, so a name that
/// resolves elsewhere later (DNS rebinding) is refused too.
/// </summary>
public sealed class AddressGuard(WebhookOptions options)
{
    public bool Allows(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return options.AllowLoopback;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            if (b[0] == 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)) return options.AllowPrivateNetworks;
            return !(b[0] == 0                                   // this network
                || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
                || (b[0] == 100 && b[1] is >= 64 and <= 127)     // carrier-grade NAT
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // IETF protocol assignments
                || (b[0] == 198 && b[1] is 18 or 19)             // benchmarking
                || b[0] >= 224);                                 // multicast, reserved, broadcast
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return false;
            var b = address.GetAddressBytes();
            if ((b[0] & 0xfe) == 0xfc) return options.AllowPrivateNetworks;        // unique local fc00::/7
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast);
        }
        return false;
    }

    /// <summary>What is wrong with this URL as a webhook target, or null when it may be used.</summary>
    public async Task<string?> Check(Uri url, CancellationToken ct)
    {
        if (url.Scheme != Uri.UriSchemeHttps && (options.RequireHttps || url.Scheme != Uri.UriSchemeHttp))
            return options.RequireHttps ? "must be an https URL" : "must be an http or https URL";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "must not carry a user name or password";
        IPAddress[] addresses;
        if (IPAddress.TryParse(url.IdnHost, out var literal)) addresses = [literal];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(url.IdnHost, timeout.Token);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return $"its host {url.IdnHost} does not resolve";
            }
        }
        if (addresses.Length == 0) return $"its host {url.IdnHost} does not resolve";
        return addresses.All(Allows) ? null : "must not point at a loopback, private, link-local or other reserved address";
    }

    /// <summary>Connects only to allowed addresses (the HTTP handler's connect callback).</summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(Allows).ToArray();
        if (allowed.Length == 0 || allowed.Length != addresses.Length)
            throw new HttpRequestException($"{host} resolves to an address webhooks may not reach");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
