using System.Security.Cryptography;
using System.Text;

namespace Channel.Notifications.Webhooks;

/// <summary>
/// The <c>Channel-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body" with the secret&gt;</c>.
/// A receiver recomputes v1 over the timestamp and the raw body, compares in constant time, and
/// refuses a timestamp older than a few minutes (a replay).
/// </summary>
public static class Signature
{
    public const string Header = "Channel-Signature";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>A new secret: 32 random bytes, shown once to the subscriber.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
