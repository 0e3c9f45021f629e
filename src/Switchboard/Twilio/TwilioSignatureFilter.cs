using Switchboard.Phones;
using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// X-Twilio-Signature (see <see cref="TwilioSignature"/>), keyed with the auth token of the organization owning the
/// call or the called number (<see cref="ProviderCredentials"/>), so one organization's account can never drive
/// another's calls.
/// </summary>
public sealed class TwilioSignatureFilter(
    ProviderCredentials credentials, PhoneNormalizer phones, CallbackUrls urls, ILogger<TwilioSignatureFilter> log)
    : WebhookSignatureFilter(log)
{
    protected override string SignatureHeader => "X-Twilio-Signature";

    protected override bool CanVerify(HttpRequest request) =>
        !string.IsNullOrEmpty(credentials.Twilio().AuthToken) || credentials.AnyOrganizationAccount;

    protected override async Task<bool> IsSignedAsync(HttpRequest request, IFormCollection form, byte[]? rawBody)
    {
        var key = await credentials.TwilioSigningKeyAsync(
            CallIdOf(request), phones.NormalizeOrNull(form["To"]), request.HttpContext.RequestAborted);
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var url = urls.BaseUrl + request.Path + request.QueryString;
        return TwilioSignature.IsValid(key, url, TwilioSignature.Fields(form), request.Headers["X-Twilio-Signature"]);
    }

    /// <summary>Twilio's own helper libraries answer a forgery this way; kept as it always was.</summary>
    protected override IResult Refuse(string fallback) =>
        TypedResults.Text("Invalid X-Twilio-Signature", "text/plain", statusCode: StatusCodes.Status403Forbidden);
}
