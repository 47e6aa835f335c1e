using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Channel.Identity;

/// <summary>
/// Guessing passwords from one address across many accounts, or flooding someone with reset mails,
/// is slowed here (the per-account lockout stops guessing at one account).
/// </summary>
public static class Limits
{
    public const string SignIns = "sign-ins";
    public const string PasswordResets = "password-resets";

    public static void Configure(RateLimiterOptions o, IConfiguration config)
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.AddPolicy(SignIns, http => Window(http, config.GetValue("Identity:SignInsPerMinute", 30)));
        o.AddPolicy(PasswordResets, http => Window(http, config.GetValue("Identity:PasswordResetsPerMinute", 5)));
    }

    static RateLimitPartition<string> Window(HttpContext http, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
}
