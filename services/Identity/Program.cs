using Channel.Identity;
using Channel.Identity.Features;
using Channel.Identity.Keys;
using Channel.Identity.Stores;
using Channel.Messaging;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

var builder = WebApplication.CreateBuilder(args);
var settings = builder.Configuration.GetSection("Identity").Get<IdentitySettings>() ?? new IdentitySettings();
// The provider checks its own API's tokens with its own keys (LocalTokens), never by asking itself over HTTP.
builder.Configuration["Auth:Authority"] = settings.Issuer;
builder.AddChannelService("identity", typeof(Program).Assembly);
if (settings.AccessTokenLifetime > TimeSpan.FromMinutes(10)) throw new InvalidOperationException("access tokens live at most 10 minutes");
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<Accounts>();
builder.Services.AddHttpContextAccessor();
builder.Services.AddSingleton<Passwords>();
builder.Services.AddSingleton<KeyRing>();
builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeys>();
builder.Services.AddSingleton<IConfigureOptions<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>, LocalTokens>();
builder.Services.AddHostedService<KeyRotation>();
builder.Services.AddHostedService<ClientRegistration>();
builder.Services.AddHostedService<TokenPruning>();
builder.Services.AddDataProtection().SetApplicationName("channel-identity");
builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
    new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DataProtectionKeys(sp.GetRequiredService<NpgsqlDataSource>())));
builder.Services.AddSessions(settings);
SignInWithStaffProvider.Add(builder.Services, settings);
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "channel.identity.af";
    o.Cookie.Path = "/identity";
    o.Cookie.SecurePolicy = settings.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
});
builder.Services.AddRateLimiter(o => Limits.Configure(o, builder.Configuration));

builder.Services.AddOpenIddict()
    .AddCore(o =>
    {
        o.SetDefaultApplicationEntity<OidcApplication>().ReplaceApplicationStore<OidcApplication, OidcApplicationStore>(ServiceLifetime.Singleton);
        o.SetDefaultAuthorizationEntity<OidcAuthorization>().ReplaceAuthorizationStore<OidcAuthorization, OidcAuthorizationStore>(ServiceLifetime.Singleton);
        o.SetDefaultScopeEntity<OidcScope>().ReplaceScopeStore<OidcScope, OidcScopeStore>(ServiceLifetime.Singleton);
        o.SetDefaultTokenEntity<OidcToken>().ReplaceTokenStore<OidcToken, OidcTokenStore>(ServiceLifetime.Singleton);
    })
    .AddServer(o =>
    {
        o.SetIssuer(new Uri(settings.Issuer));
        // Relative to /identity, where the service answers (the gateway sends that path on as it is).
        o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token").SetEndSessionEndpointUris("connect/logout")
            .SetUserInfoEndpointUris("connect/userinfo").SetRevocationEndpointUris("connect/revoke").SetIntrospectionEndpointUris("connect/introspect")
            .SetConfigurationEndpointUris(".well-known/openid-configuration").SetJsonWebKeySetEndpointUris(".well-known/jwks");
        o.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
        o.RequireProofKeyForCodeExchange();
        o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess);
        o.RegisterClaims(Claims.Subject, Claims.Name, Claims.Email, Claims.Role, TokenClaims.PartnerId, TokenClaims.DistributorId);
        o.SetAccessTokenLifetime(settings.AccessTokenLifetime).SetRefreshTokenLifetime(settings.RefreshTokenLifetime)
            .SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2)).SetIdentityTokenLifetime(settings.AccessTokenLifetime);
        // A refresh token works once: a second use (a stolen copy) revokes every token of that sign-in.
        o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);
        // Services read access tokens themselves: signed, not encrypted. Codes and refresh tokens stay encrypted.
        o.DisableAccessTokenEncryption();
        o.AddEventHandler(ReplayedTokens.Descriptor);
        var aspnet = o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough()
            .EnableEndSessionEndpointPassthrough().EnableUserInfoEndpointPassthrough();
        if (!settings.RequireHttps) aspnet.DisableTransportSecurityRequirement();
    });

var app = builder.Build();
// Everything but the API answers under /identity (the issuer's path); the API under /api/identity like every service's.
app.UsePathBase("/identity");
app.UseRouting();
var api = app.UseChannelService("/api/identity");
app.UseRateLimiter();
app.UseAntiforgery();

Authorize.Map(app);
ExchangeToken.Map(app);
EndSession.Map(app);
GetUserInfo.Map(app);
SignIn.Map(app);
SignInWithStaffProvider.Map(app, settings);
SetPassword.Map(app);
SetUpTwoFactor.Map(app);
RequestPasswordReset.Map(app, api);
IssueDevelopmentToken.Map(app, settings);
MakeDemoAccounts.Map(app, settings);
CreateStaffAccount.Map(api);
ListAccounts.Map(api);
GetAccount.Map(api);
ChangeAccount.Map(api);
ListAudit.Map(api);
RotateKeys.Map(api);

return await app.RunChannelService(args);

public partial class Program;
