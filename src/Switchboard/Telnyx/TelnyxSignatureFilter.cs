using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Telnyx;

/// <summary>
/// Telnyx's Ed25519 signature over the raw body (see <see cref="TelnyxSignature"/>), checked before anything is read,
/// with the public key of the organization owning the call or the called number.
/// </summary>
public sealed class TelnyxSignatureFilter(
    ProviderCredentials credentials, PhoneNormalizer phones, TimeProvider clock, ILogger<TelnyxSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "telnyx-signature-ed25519";

    protected override bool SignsRawBody => true;

    protected override bool CanVerify(HttpRequest request) =>
        !string.IsNullOrEmpty(credentials.Telnyx().PublicKey) || credentials.AnyOrganizationAccount;

    protected override async Task<bool> IsSignedAsync(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var telnyx = await credentials.TelnyxForWebhookAsync(
            CallIdOf(request), phones.NormalizeOrNull(form["To"]), request.HttpContext.RequestAborted);
        return telnyx is { PublicKey.Length: > 0 }
            && TelnyxSignature.IsValid(
                telnyx.PublicKey,
                request.Headers["telnyx-timestamp"],
                request.Headers["telnyx-signature-ed25519"],
                rawBody ?? [],
                clock.GetUtcNow(),
                telnyx.SignatureTolerance);
    }
}
