using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Providers;

/// <summary>
/// What Switchboard tells a provider to do with a call, in Switchboard's own answer types; each provider writes it in
/// its own markup (<c>Twilio/TwiML.cs</c>, <c>Telnyx/TeXml.cs</c>). Where to go and what to say is decided elsewhere.
/// </summary>
public interface ICallMarkup
{
    /// <summary>How many numbers one team dial rings at once (the dialect's limit of <c>Number</c> nouns).</summary>
    int MaxNumbersPerDial { get; }

    string Reject();

    /// <summary>Nothing to do: the answer to a callback that only reports.</summary>
    string Empty();

    string Hangup();

    string SayThenHangup(string message);

    /// <summary>The unavailable message (the organization's own, or the stock one), then the end of the call.</summary>
    string Unavailable(CallerMessage? message);

    /// <summary>As <see cref="Unavailable(CallerMessage?)"/>; the stock message in the call's language.</summary>
    string Unavailable(CallerMessage? message, Words words);

    /// <summary>Closed now: the stock after-hours message in the call's language, then the call ends.</summary>
    string AfterHours(Words words);

    /// <summary>
    /// The unavailable message, the prompt, and a recording reported to <paramref name="recording"/>'s URLs.
    /// </summary>
    string Voicemail(CallerMessage? message, VoicemailRecording recording);

    /// <summary>As <see cref="Voicemail(CallerMessage?, VoicemailRecording)"/>, in the call's language.</summary>
    string Voicemail(CallerMessage? message, VoicemailRecording recording, Words words);

    /// <summary>Closed now, and the caller may leave a message: the after-hours words, then the recording.</summary>
    string AfterHoursVoicemail(VoicemailRecording recording, Words words);

    /// <summary>After the recording: thanks, and the end of the call.</summary>
    string VoicemailRecorded();

    /// <summary>As <see cref="VoicemailRecorded()"/>, in the call's language.</summary>
    string VoicemailRecorded(Words words);

    /// <summary>Rings the forward target at once, showing the platform number; no prompt.</summary>
    string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl);

    /// <summary>
    /// Rings the agent, who must accept at the prompt behind <paramref name="screenUrl"/> before the bridge.
    /// </summary>
    string DialAgent(string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl);

    /// <summary>
    /// An outbound call: from the agent who pressed 1, rings the contact, who sees the platform number.
    /// </summary>
    /// <summary>
    /// Rings the team for <paramref name="ringSeconds"/>: 1 to <see cref="MaxNumbersPerDial"/> agents at once, each
    /// screened behind its own URL; the first to accept is bridged and the provider hangs up the others.
    /// </summary>
    string DialTeam(
        string callerId, IReadOnlyList<(string Phone, string ScreenUrl)> legs, int ringSeconds, string dialEndedUrl);

    string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl);

    /// <summary>Asks for one key; silence reaches <paramref name="answerUrl"/> too, without digits.</summary>
    string Screen(string prompt, string answerUrl);

    /// <summary>As <see cref="Screen(string, string)"/>, said in the prompt's language.</summary>
    string Screen(string prompt, string answerUrl, Words words);
}

/// <summary>Where the provider reports a voicemail, and its longest length.</summary>
public sealed record VoicemailRecording(int MaxSeconds, string ActionUrl, string StatusUrl, string? TranscriptionUrl);
