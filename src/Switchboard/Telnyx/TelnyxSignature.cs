using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Switchboard.Telnyx;

/// <summary>
/// telnyx-signature-ed25519: base64 Ed25519 signature, by the account's key, over <c>{telnyx-timestamp}|{raw body}</c>;
/// verified against the account's base64 public key with BouncyCastle. A timestamp outside the tolerance is a replay.
/// </summary>
public static class TelnyxSignature
{
    public static bool IsValid(
        string? publicKey, string? timestamp, string? signature, byte[] body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(publicKey) || string.IsNullOrEmpty(signature)
            || !long.TryParse(timestamp, System.Globalization.NumberStyles.None, null, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }

        byte[] key;
        byte[] signed;
        try
        {
            key = Convert.FromBase64String(publicKey);
            signed = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        if (key.Length != Ed25519PublicKeyParameters.KeySize
            || signed.Length != Ed25519PrivateKeyParameters.SignatureSize)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(key, 0));
        var message = Message(timestamp!, body);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signed);
    }

    /// <summary>What is signed: the timestamp, a literal <c>|</c>, and the body exactly as it was sent.</summary>
    public static byte[] Message(string timestamp, byte[] body) =>
        [.. Encoding.ASCII.GetBytes(timestamp + "|"), .. body];
}
