using System.Buffers;
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
        var fields = form.ToArray();
        Array.Sort(fields, static (a, b) => string.CompareOrdinal(a.Key, b.Key) is var byName and not 0
            ? byName
            : string.CompareOrdinal(a.Value, b.Value));

        // Signed on every webhook: the payload is encoded into one pooled buffer, not built as a string first. Piece by
        // piece gives the bytes of the joined text: a form decoded from UTF-8 holds no half of a surrogate pair.
        // The buffer is sized from the lengths alone (UTF-8's bound per character), so the text is read only once.
        var size = Encoding.UTF8.GetMaxByteCount(url.Length);
        foreach (var (name, value) in fields)
        {
            size += Encoding.UTF8.GetMaxByteCount(name.Length) + Encoding.UTF8.GetMaxByteCount(value.Length);
        }

        var payload = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var length = Encoding.UTF8.GetBytes(url, payload);
            foreach (var (name, value) in fields)
            {
                length += Encoding.UTF8.GetBytes(name, payload.AsSpan(length));
                length += Encoding.UTF8.GetBytes(value, payload.AsSpan(length));
            }

            Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
            HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), payload.AsSpan(0, length), mac);
            return Convert.ToBase64String(mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>A webhook's form as the signature reads it: each value of each field, named once per value.</summary>
    public static List<KeyValuePair<string, string>> Fields(IFormCollection form)
    {
        var fields = new List<KeyValuePair<string, string>>(form.Count);
        foreach (var (name, values) in form)
        {
            foreach (var value in values)
            {
                fields.Add(KeyValuePair.Create(name, value ?? ""));
            }
        }

        return fields;
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
