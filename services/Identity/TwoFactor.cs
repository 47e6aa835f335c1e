using OtpNet;
using QRCoder;

namespace Channel.Identity;

/// <summary>
/// Authenticator-app codes (TOTP, RFC 6238: SHA-1, 6 digits, 30 seconds, as every authenticator
/// app reads them). A code is accepted one step either side of now, and each step once.
/// </summary>
public static class TwoFactor
{
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The step the code matches, or null; a step at or before <paramref name="lastUsed"/> is refused (one code, one sign-in).</summary>
    public static long? Verify(string secret, string? code, long? lastUsed, DateTimeOffset now)
    {
        code = code?.Replace(" ", "").Replace("-", "");
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit)) return null;
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1))) return null;
        return lastUsed is { } last && step <= last ? null : step;
    }

    public static string Uri(string secret, string email) =>
        $"otpauth://totp/Channel:{System.Uri.EscapeDataString(email)}?secret={secret}&issuer=Channel&digits=6&period=30";

    /// <summary>The enrolment link as a QR code (an SVG image) for the phone to scan.</summary>
    public static string QrSvg(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
