using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Channel.Messaging;

/// <summary>
/// Database failures a client cannot fix are 503 with Retry-After and a problem document, never 500:
/// a transaction that lost a race (deadlock, serialization), a database that restarts, is
/// unreachable, read-only, full, out of connections or memory, or cancelled a statement that ran too
/// long. Nothing the client sent is wrong; it may send the same request again shortly.
/// </summary>
public sealed class DatabaseExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseExceptionHandler> logger) : IExceptionHandler
{
    public enum Failure { None, Conflict, Unavailable }

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var failure = Classify(exception);
        if (failure == Failure.None) return false;
        logger.LogWarning(exception, "database {Failure} on {Method} {Path}", failure, http.Request.Method, http.Request.Path);
        var (retryAfter, title, detail) = failure == Failure.Conflict
            ? (1, "The request collided with another one; nothing was changed.", "Try again.")
            : (2, "The service's database is unavailable for the moment.",
                "Try again shortly. If the connection broke while the change was being committed, look the record up (or send the same Idempotency-Key) before sending it again.");
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 503, Title = title, Detail = detail },
        });
    }

    /// <summary>What kind of database failure this is, if it is one a client cannot fix.</summary>
    public static Failure Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: "40P01" or "40001" } => Failure.Conflict,
        PostgresException p when Unavailable(p.SqlState) => Failure.Unavailable,
        PostgresException => Failure.None,
        NpgsqlException n when n.IsTransient || n.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException
            => Failure.Unavailable,
        _ => Failure.None,
    };

    /// <summary>
    /// Connection failures (08), insufficient resources (53: disk full, out of memory, too many
    /// connections), operator intervention (57: shutting down, starting up, statement cancelled or
    /// timed out), a read-only transaction (25006: a standby, a database set read-only), a lock not
    /// available in time (55P03), an object in use (55006).
    /// </summary>
    static bool Unavailable(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57", StringComparison.Ordinal) || state is "25006" or "55P03" or "55006";
}
