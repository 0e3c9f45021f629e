using Switchboard.Calls;

namespace Switchboard.Providers;

/// <summary>
/// What the shared form webhooks (<see cref="FormWebhooks"/>) need from a provider whose webhooks are forms in
/// Twilio's field names (Twilio, SignalWire, Telnyx's TeXML): its markup, its status words and its recording ids.
/// A provider with webhooks of another shape (Bandwidth's JSON) maps its own and calls the same services.
/// </summary>
public sealed record ProviderEdge(
    Provider Provider,
    ICallMarkup Markup,
    Func<string?, CallStatus?> ParseStatus,
    Func<string?, bool> IsRecordingId)
{
    /// <summary>The edge of the webhook being answered (the metadata of its endpoint group).</summary>
    public static ProviderEdge Of(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<ProviderEdge>()
            ?? throw new InvalidOperationException($"No provider edge on {http.Request.Path}");
}
