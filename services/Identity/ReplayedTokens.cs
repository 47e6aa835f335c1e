using Dapper;
using Npgsql;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Channel.Identity;

/// <summary>
/// A refresh token (or an authorization code) presented after it was used: a stolen copy, or a client that kept an
/// old one. OpenIddict refuses it and revokes every token of that sign-in right after this runs; this records it in
/// the audit first, with the person, the client and the address it came from, so an admin sees the theft.
/// </summary>
public sealed class ReplayedTokens(NpgsqlDataSource db, IHttpContextAccessor http) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
        .UseSingletonHandler<ReplayedTokens>()
        .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        // Only codes and refresh tokens are redeemed, and only at the token endpoint: no extra read for any other token.
        if (context.EndpointType != OpenIddictServerEndpointType.Token
            || context.Request is not { } request || !(request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
            || context.Principal?.GetTokenId() is not { Length: > 0 } id)
            return;
        await using var connection = await db.OpenConnectionAsync();
        var entry = await connection.QuerySingleOrDefaultAsync<(string? Status, string? Type, string? Subject)>(
            "select status, type, subject from oidc_tokens where id = @id", new { id });
        if (entry.Status != Statuses.Redeemed) return;
        var what = entry.Type?.EndsWith("refresh_token", StringComparison.Ordinal) == true ? "refresh token" : "authorization code";
        await Audit.Record(connection, Audit.RefreshTokenReused, Guid.TryParse(entry.Subject, out var account) ? account : null, null,
            http.HttpContext, CancellationToken.None, $"a used {what} presented again: every token of that sign-in revoked", request.ClientId);
    }
}
