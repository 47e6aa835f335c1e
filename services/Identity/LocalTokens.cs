using Channel.Hosting.Auth;
using Channel.Identity.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Channel.Identity;

/// <summary>
/// The provider checks tokens for its own API with its own keys, read from the key ring at each
/// check (so rotation needs no restart), rather than fetching its discovery document from itself.
/// A local development key, where one is configured, is still taken (<c>./channel token</c>'s older
/// tokens and the tests' own).
/// </summary>
sealed class LocalTokens(KeyRing ring, IdentitySettings settings, IConfiguration config) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme) return;
        options.Authority = null;
        options.MetadataAddress = null!;
        options.ConfigurationManager = null;
        SymmetricSecurityKey? local = null;
        if (!string.IsNullOrWhiteSpace(config["Auth:SigningKey"]) || !string.IsNullOrWhiteSpace(config["Auth:SigningKeyFile"]))
            try { local = new SymmetricSecurityKey(AuthSetup.SigningKey(config)); }
            catch (InvalidOperationException) { }
        var parameters = options.TokenValidationParameters;
        parameters.ValidIssuers = local is null ? [settings.Issuer] : [settings.Issuer, AuthSetup.Issuer];
        parameters.ValidIssuer = null;
        parameters.IssuerSigningKey = null;
        parameters.IssuerSigningKeyResolver = (_, _, _, _) =>
        {
            var keys = ring.Keys.Where(k => k.Use == KeyRing.Signing).Select(k => (SecurityKey)new X509SecurityKey(k.Loaded!, k.Id)).ToList();
            if (local is not null) keys.Add(local);
            return keys;
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
}
