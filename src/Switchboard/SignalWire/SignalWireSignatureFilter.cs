using Switchboard.Phones;
using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.SignalWire;

/// <summary>
/// X-SignalWire-Signature: SignalWire signs its compatibility (cXML) webhooks as Twilio does — base64 HMAC-SHA1 over
/// the full URL and the sorted form fields — keyed with the project's signing key (that of the organization owning the
/// call or the called number), and sends the same value as X-Twilio-Signature for Twilio's helper libraries; either
/// header is accepted.
/// </summary>
public sealed class SignalWireSignatureFilter(
    ProviderCredentials credentials, PhoneNormalizer phones, CallbackUrls urls, ILogger<SignalWireSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "X-SignalWire-Signature";

    protected override bool CanVerify(HttpRequest request) =>
        !string.IsNullOrEmpty(credentials.SignalWire().SigningKey) || credentials.AnyOrganizationAccount;

    protected override async Task<bool> IsSignedAsync(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var key = await credentials.SignalWireSigningKeyAsync(
            CallIdOf(request), phones.NormalizeOrNull(form["To"]), request.HttpContext.RequestAborted);
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var url = urls.BaseUrl + request.Path + request.QueryString;
        var signature = request.Headers["X-SignalWire-Signature"].ToString() is { Length: > 0 } own
            ? own
            : request.Headers["X-Twilio-Signature"].ToString();
        return TwilioSignature.IsValid(key, url, TwilioSignature.Fields(form), signature);
    }
}
