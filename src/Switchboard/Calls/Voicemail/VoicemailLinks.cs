using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Switchboard.Calls.Voicemail;

/// <summary>
/// The audio link a <c>call.voicemail</c> event carries: <c>{base}/voicemails/{callId}/{expires}/{signature}</c>, which
/// plays the message without an API key until it expires. The signature is HMAC-SHA256 over the call and the expiry,
/// so a changed call, expiry or signature is refused; nothing in the link names a person or a number.
/// </summary>
public sealed class VoicemailLinks(IOptions<SwitchboardOptions> options, TimeProvider clock)
{
    public const string PathPrefix = "/voicemails";

    private byte[]? Key => options.Value.Voicemail.LinkSecret is { Length: > 0 } secret
        ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
        : options.Value.Twilio.AuthToken is { Length: > 0 } token
            ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "switchboard voicemail links"u8)
            : null;

    /// <summary>
    /// The link for the call, good for <see cref="VoicemailOptions.LinkLifetime"/>; null when nothing can sign it.
    /// </summary>
    public VoicemailLink? For(long callId, string baseUrl)
    {
        if (Key is not { } key)
        {
            return null;
        }

        var expires = (clock.GetUtcNow() + options.Value.Voicemail.LinkLifetime).ToUnixTimeSeconds();
        return new VoicemailLink(
            $"{baseUrl.TrimEnd('/')}{PathPrefix}/{callId}/{expires}/{Sign(key, callId, expires)}",
            DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime);
    }

    /// <summary>Whether the link's parts were signed here and it has not expired yet.</summary>
    public bool IsValid(long callId, long expires, string signature)
    {
        if (Key is not { } key || expires < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, callId, expires));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static string Sign(byte[] key, long callId, long expires)
    {
        var mac = HMACSHA256.HashData(
            key,
            Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"voicemail:{callId}:{expires}")));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}

public sealed record VoicemailLink(string Url, DateTime ExpiresAt);
