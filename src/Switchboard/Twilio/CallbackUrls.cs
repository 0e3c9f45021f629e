using Microsoft.Extensions.Options;
using Switchboard.Calls;

namespace Switchboard.Twilio;

/// <summary>Builds the absolute URLs Switchboard puts into its TwiML for the provider to call back.</summary>
public sealed class CallbackUrls(IOptions<SwitchboardOptions> options, IHttpContextAccessor http)
{
    public string Screen(long callId) => Url($"/webhooks/twilio/calls/{callId}/screen");

    public string Screened(long callId) => Url($"/webhooks/twilio/calls/{callId}/screened");

    public string DialEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/dial-ended");

    /// <summary>An agent of the team picked up; the agent's id (never a phone number) says whose leg it is.</summary>
    public string TeamScreen(long callId, long agentId) =>
        Url($"/webhooks/twilio/calls/{callId}/team/{agentId}/screen");

    public string TeamScreened(long callId, long agentId) =>
        Url($"/webhooks/twilio/calls/{callId}/team/{agentId}/screened");

    public string TeamEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/team-ended");

    public string FallbackEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/fallback-ended");

    public string OutboundAnswered(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/answered");

    public string OutboundConfirmed(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/confirmed");

    public string OutboundDialEnded(long callId) => Url($"/webhooks/twilio/calls/{callId}/outbound/dial-ended");

    public string VoicemailRecorded(long callId) => Url($"/webhooks/twilio/calls/{callId}/voicemail/recorded");

    /// <summary>Says whether a transcription was asked for, so that the event knows to wait for it.</summary>
    public string VoicemailRecording(long callId, bool transcribe) =>
        Url($"/webhooks/twilio/calls/{callId}/voicemail/recording") + (transcribe ? "?transcribe=true" : "");

    public string VoicemailTranscription(long callId) =>
        Url($"/webhooks/twilio/calls/{callId}/voicemail/transcription");

    public string Status(long callId, CallLeg leg) =>
        Url($"/webhooks/twilio/calls/{callId}/status/{leg.ToString().ToLowerInvariant()}");

    public string BaseUrl =>
        options.Value.Twilio.PublicBaseUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : RequestBase();

    private string Url(string path) => BaseUrl + path;

    private string RequestBase()
    {
        var request = http.HttpContext?.Request
            ?? throw new InvalidOperationException("No request to take the base URL from");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
