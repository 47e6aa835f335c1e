using Channel.Hosting;

namespace Channel.Hosting.Web;

/// <summary>Takes the caller's X-Correlation-Id (or makes one), echoes it, and puts it in every log line of the request.</summary>
public sealed class CorrelationMiddleware(RequestDelegate next, ILogger<CorrelationMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var id = Correlation.Sanitize(http.Request.Headers[Correlation.Header]);
        http.Request.Headers[Correlation.Header] = id;
        Correlation.Current = id;
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[Correlation.Header] = id;
            return Task.CompletedTask;
        });
        using (logger.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = id }))
            await next(http);
    }
}
