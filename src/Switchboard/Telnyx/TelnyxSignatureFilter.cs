using Switchboard.Providers;

namespace Switchboard.Telnyx;

/// <summary>
/// Telnyx's Ed25519 signature over the raw body (see <see cref="TelnyxSignature"/>), checked before anything is read.
/// </summary>
public sealed class TelnyxSignatureFilter(
    ProviderCredentials credentials, TimeProvider clock, ILogger<TelnyxSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "telnyx-signature-ed25519";

    protected override bool SignsRawBody => true;

    protected override bool CanVerify(HttpRequest request) => !string.IsNullOrEmpty(credentials.Telnyx().PublicKey);

    protected override bool IsSigned(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var telnyx = credentials.Telnyx();
        return TelnyxSignature.IsValid(
            telnyx.PublicKey,
            request.Headers["telnyx-timestamp"],
            request.Headers["telnyx-signature-ed25519"],
            rawBody ?? [],
            clock.GetUtcNow(),
            telnyx.SignatureTolerance);
    }
}
