using System.Net;

namespace Channel.Testing;

/// <summary>
/// A browser's cookies for a client without a browser: kept from Set-Cookie, sent back by path, removed when
/// expired. Unlike <see cref="CookieContainer"/> it sends a Secure cookie over http to 127.0.0.1, as a browser
/// does for a loopback address; what a response set (with its attributes) can be read for assertions.
/// </summary>
public sealed class CookieJar() : DelegatingHandler(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
{
    readonly Dictionary<(string Name, string Path), string> cookies = [];
    readonly Lock gate = new();

    /// <summary>Every Set-Cookie header seen, in order, as sent.</summary>
    public List<string> Seen { get; } = [];

    public IReadOnlyDictionary<string, string> Current
    {
        get { lock (gate) return cookies.ToDictionary(c => c.Key.Name, c => c.Value); }
    }

    /// <summary>A copy, as a second browser that stole them would hold them.</summary>
    public CookieJar Copy()
    {
        var copy = new CookieJar();
        lock (gate) foreach (var (key, value) in cookies) copy.cookies[key] = value;
        return copy;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var path = request.RequestUri!.AbsolutePath;
        lock (gate)
        {
            var sent = cookies.Where(c => path.StartsWith(c.Key.Path, StringComparison.Ordinal)).Select(c => $"{c.Key.Name}={c.Value}").ToList();
            if (sent.Count > 0) request.Headers.Add("Cookie", string.Join("; ", sent));
        }
        var response = await base.SendAsync(request, ct);
        if (response.Headers.TryGetValues("Set-Cookie", out var set))
            lock (gate)
                foreach (var header in set)
                {
                    Seen.Add(header);
                    var parts = header.Split(';', StringSplitOptions.TrimEntries);
                    var (name, value) = (parts[0][..parts[0].IndexOf('=')], parts[0][(parts[0].IndexOf('=') + 1)..]);
                    var cookiePath = parts.Skip(1).FirstOrDefault(p => p.StartsWith("path=", StringComparison.OrdinalIgnoreCase))?[5..] ?? "/";
                    var expires = parts.Skip(1).FirstOrDefault(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))?[8..];
                    var gone = value.Length == 0 || (expires is not null && DateTimeOffset.TryParse(expires, out var at) && at < DateTimeOffset.UtcNow);
                    if (gone) cookies.Remove((name, cookiePath));
                    else cookies[(name, cookiePath)] = value;
                }
        return response;
    }

    /// <summary>A client over this jar that follows no redirects itself.</summary>
    public HttpClient Client(string baseAddress, string clientAddress)
    {
        var client = new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        return client;
    }

    /// <summary>Follows redirects (as a browser would) from a response, and returns the last one.</summary>
    public static async Task<HttpResponseMessage> Follow(HttpClient client, HttpResponseMessage response, int max = 10)
    {
        while ((int)response.StatusCode is 301 or 302 or 303 or 307 && max-- > 0)
        {
            var location = response.Headers.Location!;
            response.Dispose();
            response = await client.GetAsync(location.IsAbsoluteUri ? location : new Uri(client.BaseAddress!, location));
        }
        return response;
    }
}
