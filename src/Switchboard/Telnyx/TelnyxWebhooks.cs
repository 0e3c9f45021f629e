using Switchboard.Providers;
using Switchboard.Twilio;

namespace Switchboard.Telnyx;

/// <summary>
/// Where a Telnyx call enters: the TeXML application's webhook URL <c>POST /webhooks/telnyx/voice</c>, and the URLs
/// its TeXML names. TeXML's webhooks are forms in Twilio's field names and status words (Telnyx's TeXML callback
/// reference), so the handlers are the shared <see cref="FormWebhooks"/>; only the signature and the markup differ.
/// A recording's id (a UUID) is kept, and its media read through Telnyx's API by that id (<see cref="TelnyxRest"/>),
/// never from the callback's <c>RecordingUrl</c>.
/// </summary>
public static class TelnyxWebhooks
{
    public static readonly ProviderEdge Edge =
        new(Provider.Telnyx, TeXml.Instance, TwilioStatuses.Parse, ProviderReads.IsUuid);

    public static void MapTelnyxWebhooks(this IEndpointRouteBuilder app) =>
        app.MapFormWebhooks<TelnyxSignatureFilter>(Edge);
}
