using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.SignalWire;

/// <summary>
/// Where a SignalWire call enters: the number's "when a call comes in" cXML URL <c>POST /webhooks/signalwire/voice</c>
/// and the URLs its markup names. SignalWire's compatibility API takes TwiML as cXML and posts Twilio's fields and
/// status words, so the markup is <see cref="TwiML"/> and the handlers the shared <see cref="FormWebhooks"/>.
/// A recording's id (a UUID) is kept, and its media read from the space's compatibility API by that id
/// (<see cref="TwilioRest"/>), never from the callback's <c>RecordingUrl</c>.
/// </summary>
public static class SignalWireWebhooks
{
    public static readonly ProviderEdge Edge =
        new(Provider.SignalWire, TwilioMarkup.Instance, TwilioStatuses.Parse, ProviderReads.IsUuid);

    public static void MapSignalWireWebhooks(this IEndpointRouteBuilder app) =>
        app.MapFormWebhooks<SignalWireSignatureFilter>(Edge);
}
