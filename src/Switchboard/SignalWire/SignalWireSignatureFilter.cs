using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.SignalWire;

/// <summary>
/// X-SignalWire-Signature: SignalWire signs its compatibility (cXML) webhooks as Twilio does — base64 HMAC-SHA1 over
/// the full URL and the sorted form fields — keyed with the project's signing key, and sends the same value as
/// X-Twilio-Signature for Twilio's helper libraries; either header is accepted.
/// </summary>
public sealed class SignalWireSignatureFilter(
    ProviderCredentials credentials, CallbackUrls urls, ILogger<SignalWireSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "X-SignalWire-Signature";

    protected override bool CanVerify(HttpRequest request) =>
        !string.IsNullOrEmpty(credentials.SignalWire().SigningKey);

    protected override bool IsSigned(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var url = urls.BaseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        var signature = request.Headers["X-SignalWire-Signature"].ToString() is { Length: > 0 } own
            ? own
            : request.Headers["X-Twilio-Signature"].ToString();
        return TwilioSignature.IsValid(credentials.SignalWire().SigningKey!, url, pairs, signature);
    }
}
