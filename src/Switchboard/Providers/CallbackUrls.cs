using Microsoft.Extensions.Options;
using Switchboard.Calls;

namespace Switchboard.Providers;

/// <summary>
/// Builds the absolute URLs Switchboard puts into its markup for the provider to call back, under the provider's own
/// <c>/webhooks/{provider}/</c> (Twilio's unless <see cref="For"/> says otherwise).
/// </summary>
public sealed class CallbackUrls
{
    private readonly IOptions<SwitchboardOptions> _options;
    private readonly IHttpContextAccessor _http;
    private readonly string _prefix;

    public CallbackUrls(IOptions<SwitchboardOptions> options, IHttpContextAccessor http)
        : this(options, http, Provider.Twilio)
    {
    }

    private CallbackUrls(IOptions<SwitchboardOptions> options, IHttpContextAccessor http, Provider provider)
    {
        _options = options;
        _http = http;
        Provider = provider;
        _prefix = "/webhooks/" + provider.Segment();
    }

    public Provider Provider { get; }

    /// <summary>The same URLs under another provider's webhooks.</summary>
    public CallbackUrls For(Provider provider) => provider == Provider ? this : new(_options, _http, provider);

    public string Screen(long callId) => Url($"/calls/{callId}/screen");

    public string Screened(long callId) => Url($"/calls/{callId}/screened");

    public string DialEnded(long callId) => Url($"/calls/{callId}/dial-ended");

    /// <summary>An agent of the team picked up; the agent's id (never a phone number) says whose leg it is.</summary>
    public string TeamScreen(long callId, long agentId) => Url($"/calls/{callId}/team/{agentId}/screen");

    public string TeamScreened(long callId, long agentId) => Url($"/calls/{callId}/team/{agentId}/screened");

    public string TeamEnded(long callId) => Url($"/calls/{callId}/team-ended");

    public string FallbackEnded(long callId) => Url($"/calls/{callId}/fallback-ended");

    public string OutboundAnswered(long callId) => Url($"/calls/{callId}/outbound/answered");

    public string OutboundConfirmed(long callId) => Url($"/calls/{callId}/outbound/confirmed");

    public string OutboundDialEnded(long callId) => Url($"/calls/{callId}/outbound/dial-ended");

    public string VoicemailRecorded(long callId) => Url($"/calls/{callId}/voicemail/recorded");

    /// <summary>Says whether a transcription was asked for, so that the event knows to wait for it.</summary>
    public string VoicemailRecording(long callId, bool transcribe) =>
        Url($"/calls/{callId}/voicemail/recording") + (transcribe ? "?transcribe=true" : "");

    public string VoicemailTranscription(long callId) => Url($"/calls/{callId}/voicemail/transcription");

    public string Status(long callId, CallLeg leg) =>
        Url($"/calls/{callId}/status/{leg.ToString().ToLowerInvariant()}");

    /// <summary>The number's "call status changes" URL (the caller's own leg).</summary>
    public string CallerStatus() => Url("/status");

    public string BaseUrl =>
        _options.Value.Twilio.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : RequestBase();

    /// <summary>
    /// Whether there is a base URL to give: configured, or the current request's (a background pass has none).
    /// </summary>
    public bool Known => _options.Value.Twilio.PublicBaseUrl is { Length: > 0 } || _http.HttpContext is not null;

    private string Url(string path) => BaseUrl + _prefix + path;

    private string RequestBase()
    {
        var request = _http.HttpContext?.Request
            ?? throw new InvalidOperationException("No request to take the base URL from");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
