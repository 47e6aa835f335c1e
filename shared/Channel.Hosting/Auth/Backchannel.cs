using Microsoft.IdentityModel.Protocols;

namespace Channel.Hosting.Auth;

/// <summary>
/// Reads the identity provider's discovery document and keys at an inside address (<c>Auth:Backchannel</c>, such
/// as <c>http://identity:8080/identity/</c> in a container network) where its public one (the issuer, through the
/// gateway or an ingress) is not reachable from the services, or should not be used by them: each address the
/// documents name under the public base is read under the inside one instead. The inside address is the operator's
/// own choice on a private network, so it may be plain http. The provider names its endpoints after the address it
/// was asked at: those are put back under the public base, where a browser sent to them can reach them.
/// </summary>
public sealed class Backchannel(string publicBase, string insideBase) : IDocumentRetriever
{
    readonly HttpDocumentRetriever inner = new() { RequireHttps = false };

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var document = await inner.GetDocumentAsync(
            address.StartsWith(publicBase, StringComparison.OrdinalIgnoreCase) ? insideBase + address[publicBase.Length..] : address, cancel);
        return document.Replace($"\"{insideBase}", $"\"{publicBase}", StringComparison.OrdinalIgnoreCase);
    }
}
