using Channel.Identity.Pages;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using OpenIddict.Server.AspNetCore;

namespace Channel.Identity.Features;

/// <summary>
/// Signing out (<c>/identity/connect/logout</c>): the session here ends, and so does every refresh
/// token the person holds, in every client and browser, so no copy of the session lives on
/// anywhere. Back to the client's registered address, or a page saying so.
/// </summary>
public static class EndSession
{
    public static void Map(WebApplication app) =>
        app.MapMethods("/connect/logout", ["GET", "POST"], Handle).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

    static async Task<IResult> Handle(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest();
        var session = await http.AuthenticateAsync(Sessions.Scheme);
        if (session.Succeeded && Guid.TryParse(session.Principal.FindFirst("sub")?.Value, out var id))
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await Accounts.Revoke(tx, [id], ct);
            await Audit.Record(connection, Audit.SignedOut, id, null, http, ct, "every session ended", request?.ClientId, tx);
            await tx.CommitAsync(ct);
        }
        await http.SignOutAsync(Sessions.Scheme);
        if (string.IsNullOrEmpty(request?.PostLogoutRedirectUri))
            return Html.Page("Signed out", "<p>You are signed out of Channel.</p><p><a href=\"/\">Sign in again</a></p>");
        // OpenIddict has checked the address against the client's registration; it redirects there.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
