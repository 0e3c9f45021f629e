using Switchboard.Routing;

namespace Switchboard.Providers;

/// <summary>
/// What Switchboard tells a provider to do with a call, in Switchboard's own answer types; each provider writes it in
/// its own markup (<c>Twilio/TwiML.cs</c>, <c>Telnyx/TeXml.cs</c>). Where to go and what to say is decided elsewhere.
/// </summary>
public interface ICallMarkup
{
    string Reject();

    /// <summary>Nothing to do: the answer to a callback that only reports.</summary>
    string Empty();

    string Hangup();

    string SayThenHangup(string message);

    /// <summary>The unavailable message (the organization's own, or the stock one), then the end of the call.</summary>
    string Unavailable(CallerMessage? message);

    /// <summary>
    /// The unavailable message, the prompt, and a recording reported to <paramref name="recording"/>'s URLs.
    /// </summary>
    string Voicemail(CallerMessage? message, VoicemailRecording recording);

    /// <summary>After the recording: thanks, and the end of the call.</summary>
    string VoicemailRecorded();

    /// <summary>Rings the forward target at once, showing the platform number; no prompt.</summary>
    string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl);

    /// <summary>
    /// Rings the agent, who must accept at the prompt behind <paramref name="screenUrl"/> before the bridge.
    /// </summary>
    string DialAgent(string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl);

    /// <summary>
    /// An outbound call: from the agent who pressed 1, rings the contact, who sees the platform number.
    /// </summary>
    string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl);

    /// <summary>Asks for one key; silence reaches <paramref name="answerUrl"/> too, without digits.</summary>
    string Screen(string prompt, string answerUrl);
}

/// <summary>Where the provider reports a voicemail, and its longest length.</summary>
public sealed record VoicemailRecording(int MaxSeconds, string ActionUrl, string StatusUrl, string? TranscriptionUrl);
