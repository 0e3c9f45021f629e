using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Events;

/// <summary>
/// <c>Switchboard-Signature: v1=&lt;hex&gt;</c>, the lowercase hex HMAC-SHA256, keyed with the organization's
/// secret, of <c>{Switchboard-Timestamp}.{body}</c>. The timestamp (Unix seconds) is signed too, so a receiver
/// can refuse old events replayed.
/// </summary>
public static class CallEventSignature
{
    public const string Version = "v1";

    public static string Compute(string secret, long timestamp, string body)
    {
        var payload = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return $"{Version}={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload))}";
    }

    /// <summary>A new secret: 256 random bits, URL-safe.</summary>
    public static string NewSecret() =>
        "sbwh_" +
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
