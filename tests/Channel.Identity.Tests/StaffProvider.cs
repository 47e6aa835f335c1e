using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Channel.Identity.Tests;

/// <summary>
/// The vendor's own identity provider, as Entra ID, Okta or Keycloak would be: a second OpenIddict server, on
/// its own port, that knows one client (the Identity service) and signs in whoever the test says is at the
/// keyboard, with their e-mail address, name and groups in the id token.
/// </summary>
public sealed class StaffProvider : IAsyncDisposable
{
    public const string ClientId = "channel-identity";
    public const string ClientSecret = "staff-provider-secret-for-tests";

    public sealed record Person(string Subject, string Email, string Name, params string[] Groups);

    readonly WebApplication app;
    /// <summary>Who is signed in at the provider now; null answers the authorization request with access_denied.</summary>
    public Person? AtTheKeyboard { get; set; }
    public string Issuer { get; }

    StaffProvider(WebApplication app, string issuer) => (this.app, Issuer) = (app, issuer);

    public static async Task<StaffProvider> Start(string redirectUri)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenIddict().AddServer(o =>
        {
            o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
            // No stores: the one client is checked here.
            o.EnableDegradedMode();
            o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            o.AddEventHandler<ValidateAuthorizationRequestContext>(b => b.UseInlineHandler(c =>
            {
                if (c.ClientId != ClientId) c.Reject(Errors.InvalidClient, "unknown client");
                else if (c.RedirectUri != redirectUri) c.Reject(Errors.InvalidRequest, "unknown redirect_uri");
                return default;
            }));
            o.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(c =>
            {
                if (c.ClientId != ClientId || c.ClientSecret != ClientSecret) c.Reject(Errors.InvalidClient, "unknown client or wrong secret");
                return default;
            }));
        });
        var app = builder.Build();
        StaffProvider provider = null!;
        app.MapGet("/connect/authorize", (HttpContext http) =>
        {
            var request = http.GetOpenIddictServerRequest()!;
            if (provider.AtTheKeyboard is not { } person)
                return Results.Forbid(new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.AddClaim(new Claim(Claims.Subject, person.Subject));
            identity.AddClaim(new Claim(Claims.Email, person.Email));
            identity.AddClaim(new Claim(Claims.Name, person.Name));
            foreach (var group in person.Groups) identity.AddClaim(new Claim("groups", group));
            identity.SetScopes(request.GetScopes());
            identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
            return Results.SignIn(new ClaimsPrincipal(identity), null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider = new StaffProvider(app, $"{address.TrimEnd('/')}/");
        return provider;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
