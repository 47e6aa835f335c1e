namespace Channel.Hosting.Web;

/// <summary>
/// Headers every answer carries: no content sniffing, no framing, no referrer sent on, and a
/// content security policy that lets a page run only the scripts, styles and images it is served
/// with (no inline script, nothing from elsewhere). The API reference (Scalar, at /docs) is the one
/// page that needs inline script and style of its own; it gets them, and nothing else does.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/docs") || http.Request.Path.StartsWithSegments("/scalar")
                ? DocsPolicy
                : Policy;
            headers.Remove("Server");
            return Task.CompletedTask;
        });
        return next(http);
    }
}
