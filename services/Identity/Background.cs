using Dapper;
using Npgsql;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Channel.Identity;

/// <summary>Registers (or updates) the clients configuration names, at start: their secrets hashed, their addresses and permissions.</summary>
sealed class ClientRegistration(IServiceScopeFactory scopes, IdentitySettings settings) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        // Instances starting together take turns: else two update the same row and one fails on its concurrency token (or
        // both create it), and that instance does not start.
        await using var turn = await scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        await turn.ExecuteAsync("select pg_advisory_lock(hashtextextended('identity:client-registration', 0))");
        try
        {
            await Register(manager, ct);
        }
        finally
        {
            await turn.ExecuteAsync("select pg_advisory_unlock(hashtextextended('identity:client-registration', 0))");
        }
    }

    async Task Register(IOpenIddictApplicationManager manager, CancellationToken ct)
    {
        foreach (var client in settings.Clients.Where(c => !string.IsNullOrWhiteSpace(c.ClientId)))
        {
            var descriptor = new OpenIddictApplicationDescriptor
            {
                ClientId = client.ClientId,
                ClientSecret = client.ClientSecret,
                ClientType = string.IsNullOrEmpty(client.ClientSecret) ? ClientTypes.Public : ClientTypes.Confidential,
                ConsentType = ConsentTypes.Implicit,
                DisplayName = client.DisplayName,
            };
            foreach (var uri in client.RedirectUris) descriptor.RedirectUris.Add(new Uri(uri));
            foreach (var uri in client.PostLogoutRedirectUris) descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
            descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.Endpoints.Revocation]);
            if (client.GrantTypes.Contains(GrantTypes.AuthorizationCode))
            {
                descriptor.Permissions.UnionWith([Permissions.Endpoints.Authorization, Permissions.Endpoints.EndSession,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                    Permissions.Scopes.Email, Permissions.Scopes.Profile, Permissions.Scopes.Roles]);
                descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
            }
            if (client.GrantTypes.Contains(GrantTypes.ClientCredentials)) descriptor.Permissions.Add(Permissions.GrantTypes.ClientCredentials);
            if (await manager.FindByClientIdAsync(client.ClientId, ct) is { } existing) await manager.UpdateAsync(existing, descriptor, ct);
            else await manager.CreateAsync(descriptor, ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Deletes tokens and authorizations that can no longer be used, once an hour (they are kept a day, for the audit of reuse).</summary>
sealed class TokenPruning(IServiceScopeFactory scopes, ILogger<TokenPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(ct))
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var threshold = DateTimeOffset.UtcNow.AddDays(-1);
                var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, ct);
                var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, ct);
                if (tokens + authorizations > 0) logger.LogInformation("pruned {Tokens} tokens and {Authorizations} authorizations", tokens, authorizations);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "could not prune tokens; trying again in an hour");
            }
    }
}
