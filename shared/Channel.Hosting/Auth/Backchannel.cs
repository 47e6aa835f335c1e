using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Channel.Hosting.Auth;

/// <summary>
/// Reads the identity provider's discovery document and keys at an inside address (<c>Auth:Backchannel</c>, such
/// as <c>http://identity:8080/identity/</c> in a container network) where its public one (the issuer, through the
/// gateway or an ingress) is not reachable from the services, or should not be used by them: each address the
/// documents name under the public base is read under the inside one instead. The inside address is the operator's
/// own choice on a private network, so it may be plain http. The provider names its endpoints after the address it
/// was asked at: those are put back under the public base, where a browser sent to them can reach them.
/// </summary>
public sealed class Backchannel : IDocumentRetriever
{
    readonly HttpDocumentRetriever inner;

    public string PublicBase { get; }
    public string InsideBase { get; }

    public Backchannel(string publicBase, string insideBase)
    {
        PublicBase = publicBase.EndsWith('/') ? publicBase : publicBase + "/";
        InsideBase = insideBase.EndsWith('/') ? insideBase : insideBase + "/";
        inner = new HttpDocumentRetriever(new HttpClient(Handler())) { RequireHttps = false };
    }

    /// <summary>The provider's public and inside addresses from <c>Auth:Authority</c> and <c>Auth:Backchannel</c>; null without both.</summary>
    public static Backchannel? From(IConfiguration config) =>
        config["Auth:Authority"] is { Length: > 0 } authority && config["Auth:Backchannel"] is { Length: > 0 } inside ? new Backchannel(authority, inside) : null;

    /// <summary>The provider's discovery document and keys, read through this backchannel.</summary>
    public ConfigurationManager<OpenIdConnectConfiguration> Configuration() =>
        new($"{PublicBase}.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), this);

    /// <summary>For a client's own calls to the provider (its token and revocation endpoints): public addresses go inside.</summary>
    public HttpMessageHandler Handler() => new InsideAddress(PublicBase, InsideBase);

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var document = await inner.GetDocumentAsync(address, cancel);
        return document.Replace($"\"{InsideBase}", $"\"{PublicBase}", StringComparison.OrdinalIgnoreCase);
    }

    sealed class InsideAddress(string publicBase, string insideBase) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var address = request.RequestUri!.ToString();
            if (address.StartsWith(publicBase, StringComparison.OrdinalIgnoreCase)) request.RequestUri = new Uri(insideBase + address[publicBase.Length..]);
            return base.SendAsync(request, ct);
        }
    }
}
