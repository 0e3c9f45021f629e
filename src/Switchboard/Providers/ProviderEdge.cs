using Switchboard.Calls;
using Switchboard.Routing;

namespace Switchboard.Providers;

/// <summary>
/// What the shared form webhooks (<see cref="FormWebhooks"/>) need from a provider whose webhooks are forms in
/// Twilio's field names (Twilio, SignalWire, Telnyx's TeXML): its markup, its status words and its recording ids.
/// <paramref name="CheckCaller"/> reads the caller's SHAKEN/STIR verdict from the voice form (null: the provider
/// sends none Switchboard reads, so the call is stored unverified).
/// A provider with webhooks of another shape (Bandwidth's JSON) maps its own and calls the same services.
/// </summary>
public sealed record ProviderEdge(
    Provider Provider,
    ICallMarkup Markup,
    Func<string?, CallStatus?> ParseStatus,
    Func<string?, bool> IsRecordingId,
    Func<IFormCollection, CallerCheck>? CheckCaller = null)
{
    /// <summary>The edge of the webhook being answered (the metadata of its endpoint group).</summary>
    public static ProviderEdge Of(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<ProviderEdge>()
            ?? throw new InvalidOperationException($"No provider edge on {http.Request.Path}");
}
