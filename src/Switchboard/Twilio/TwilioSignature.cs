using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Twilio;

/// <summary>
/// X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL followed by every
/// form field's name and value, sorted by name.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> form)
    {
        var payload = new StringBuilder(url);
        foreach (var (name, value) in form.OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            payload.Append(name).Append(value);
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(payload.ToString()));
        return Convert.ToBase64String(mac);
    }

    public static bool IsValid(
        string authToken,
        string url,
        IEnumerable<KeyValuePair<string, string>> form,
        string? signature)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(authToken, url, form));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }
}
