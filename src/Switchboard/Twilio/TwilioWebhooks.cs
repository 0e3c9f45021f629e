using Switchboard.Providers;

namespace Switchboard.Twilio;

/// <summary>
/// Where a Twilio call enters: <c>POST /webhooks/twilio/voice</c> and the URLs its TwiML names, all checked by
/// <see cref="TwilioSignatureFilter"/>; the handlers are the shared <see cref="FormWebhooks"/>.
/// </summary>
public static class TwilioWebhooks
{
    public static readonly ProviderEdge Edge =
        new(
        Provider.Twilio,
        TwilioMarkup.Instance,
        TwilioStatuses.Parse,
        TwilioRest.IsRecordingSid,
        form => TwilioCallerVerification.Parse(form["StirVerstat"]));

    public static void MapTwilioWebhooks(this IEndpointRouteBuilder app) =>
        app.MapFormWebhooks<TwilioSignatureFilter>(Edge);
}
