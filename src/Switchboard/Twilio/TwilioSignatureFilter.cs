using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>X-Twilio-Signature (see <see cref="TwilioSignature"/>), keyed with the account's auth token.</summary>
public sealed class TwilioSignatureFilter(
    ProviderCredentials credentials, CallbackUrls urls, ILogger<TwilioSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "X-Twilio-Signature";

    protected override bool CanVerify(HttpRequest request) => !string.IsNullOrEmpty(credentials.Twilio().AuthToken);

    protected override bool IsSigned(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var url = urls.BaseUrl + request.Path + request.QueryString;
        var pairs = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? "")));
        var signature = request.Headers["X-Twilio-Signature"];
        return TwilioSignature.IsValid(credentials.Twilio().AuthToken!, url, pairs, signature);
    }

    /// <summary>Twilio's own helper libraries answer a forgery this way; kept as it always was.</summary>
    protected override IResult Refuse(string fallback) =>
        TypedResults.Text("Invalid X-Twilio-Signature", "text/plain", statusCode: StatusCodes.Status403Forbidden);
}
