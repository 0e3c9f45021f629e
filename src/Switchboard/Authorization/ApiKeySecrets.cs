using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Authorization;

/// <summary>
/// API keys read <c>sbk_{id}_{secret}</c>. Only a SHA-256 of the 256-bit random secret is stored: the secret
/// is never guessable, so a slow password hash would only cost time on every request.
/// </summary>
public static class ApiKeySecrets
{
    private const string Prefix = "sbk_";

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Format(long keyId, string secret) =>
        $"{Prefix}{keyId.ToString(CultureInfo.InvariantCulture)}_{secret}";

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool TryParse(string key, out long keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = 0;
        secret = null;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var separator = key.IndexOf('_', Prefix.Length);
        if (separator < 0
            || !long.TryParse(
                key.AsSpan(Prefix.Length, separator - Prefix.Length),
                NumberStyles.None,
                CultureInfo.InvariantCulture,
                out keyId))
        {
            return false;
        }

        secret = key[(separator + 1)..];
        return secret.Length > 0;
    }

    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
