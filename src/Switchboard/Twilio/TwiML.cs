using System.Xml.Linq;
using Switchboard.Providers;
using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Twilio;

/// <summary>
/// Writes the TwiML documents of routing rule R8.2 (docs/routing.md). Only XML here: what to say and where to go is
/// decided elsewhere.
/// </summary>
public static class TwiML
{
    public const string ContentType = WebhookFallback.ContentType;

    /// <summary>The stock unavailable message in English (Speech/en-US.json has the words of every language).</summary>
    public static readonly string UnavailableMessage = Words.English.Unavailable;

    public const string ErrorMessage = Spoken.Error;

    /// <summary>
    /// Every status a leg has, in Twilio's words (TwiML lists them space-separated, the REST API one field each).
    /// </summary>
    public static readonly IReadOnlyList<string> StatusEventNames = ["initiated", "ringing", "answered", "completed"];

    private static readonly string StatusEvents = string.Join(' ', StatusEventNames);

    public static string Reject() => Document(new XElement("Reject"));

    public static string Empty() => Document();

    public static string Hangup() => Document(new XElement("Hangup"));

    /// <summary>Plays a short message to the caller and ends the call.</summary>
    public static string SayThenHangup(string message) =>
        Document(new XElement("Say", message), new XElement("Hangup"));

    /// <summary>
    /// The caller hears that nobody is available, then the call ends: the organization's, group's or inbox's own
    /// message when there is one (spoken in its voice and language, or its recording played), else the stock one.
    /// </summary>
    public static string Unavailable(CallerMessage? message) => Unavailable(message, Words.English);

    /// <summary>As <see cref="Unavailable(CallerMessage?)"/>; the stock message in the call's language.</summary>
    public static string Unavailable(CallerMessage? message, Words words) =>
        Document(MessageVerb(message) ?? Say(words, words.Unavailable), new XElement("Hangup"));

    /// <summary>Closed now: the stock after-hours message in the call's language, then the call ends.</summary>
    public static string AfterHours(Words words) => Document(Say(words, words.AfterHours), new XElement("Hangup"));

    private static XElement? MessageVerb(CallerMessage? message) => message switch
    {
        { PlayUrl: { } url } => new XElement("Play", url),
        { Say: { } text } => new XElement("Say",
            message.Voice is { } voice ? new XAttribute("voice", voice) : null,
            message.Language is { } language ? new XAttribute("language", language) : null,
            text),
        _ => null,
    };

    /// <summary>
    /// The caller hears the unavailable message (the stock one without "try again later"), then is asked to leave a
    /// message and recorded: at most <see cref="VoicemailRecording.MaxSeconds"/>, ended by # or 5 s of silence, silence
    /// trimmed. The provider reports the recording (and its transcript) to the callbacks; the action answers the
    /// thanks. A caller who says nothing goes on past the Record verb: the hang-up ends the call.
    /// </summary>
    public static string Voicemail(CallerMessage? message, VoicemailRecording recording) =>
        Voicemail(message, recording, Words.English);

    /// <summary>
    /// As <see cref="Voicemail(CallerMessage?, VoicemailRecording)"/>, the stock words in the call's language.
    /// </summary>
    public static string Voicemail(CallerMessage? message, VoicemailRecording recording, Words words) =>
        Record(MessageVerb(message) ?? Say(words, words.VoicemailUnavailable), recording, words);

    /// <summary>
    /// Closed now, and the caller may leave a message: the stock after-hours words, then the recording.
    /// </summary>
    public static string AfterHoursVoicemail(VoicemailRecording recording, Words words) =>
        Record(Say(words, words.AfterHoursVoicemail), recording, words);

    /// <summary>After the recording: thanks, and the end of the call.</summary>
    public static string VoicemailRecorded() => VoicemailRecorded(Words.English);

    /// <summary>As <see cref="VoicemailRecorded()"/>, in the call's language.</summary>
    public static string VoicemailRecorded(Words words) =>
        Document(Say(words, words.VoicemailThanks), new XElement("Hangup"));

    private static string Record(XElement message, VoicemailRecording recording, Words words) => Document(
        message,
        Say(words, words.VoicemailPrompt),
        new XElement("Record",
            new XAttribute("action", recording.ActionUrl),
            new XAttribute("method", "POST"),
            new XAttribute("maxLength", recording.MaxSeconds),
            new XAttribute("timeout", "5"),
            new XAttribute("finishOnKey", "#"),
            new XAttribute("playBeep", "true"),
            new XAttribute("trim", "trim-silence"),
            new XAttribute("recordingStatusCallback", recording.StatusUrl),
            new XAttribute("recordingStatusCallbackMethod", "POST"),
            new XAttribute("recordingStatusCallbackEvent", "completed absent"),
            recording.TranscriptionUrl is { } transcription ? new XAttribute("transcribe", "true") : null,
            recording.TranscriptionUrl is { } url ? new XAttribute("transcribeCallback", url) : null),
        new XElement("Hangup"));

    /// <summary>
    /// Words Switchboard says itself, with the voice and language of the call's language (none for English: the
    /// provider's default).
    /// </summary>
    private static XElement Say(Words words, string text, int? loop = null) => new("Say",
        loop is { } times ? new XAttribute("loop", times) : null,
        words.Voice is { } voice ? new XAttribute("voice", voice) : null,
        words.SayLanguage is { } language ? new XAttribute("language", language) : null,
        text);

    /// <summary>Rings the forward target at once, showing the platform number; no prompt.</summary>
    public static string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, forwardTo, dialEndedUrl, statusUrl, answerOnBridge: false, screenUrl: null);

    /// <summary>
    /// Rings the agent; the caller keeps hearing ringing until the agent accepts at the screening prompt.
    /// </summary>
    public static string DialAgent(
        string callerId,
        string agentPhone,
        string screenUrl,
        string dialEndedUrl,
        string statusUrl) =>
        Dial(callerId, agentPhone, dialEndedUrl, statusUrl, answerOnBridge: true, screenUrl);

    /// <summary>At most this many numbers ring at once in one dial (Twilio's limit of <c>Number</c> nouns).</summary>
    public const int MaxNumbersPerDial = 10;

    /// <summary>
    /// Rings the team for <paramref name="ringSeconds"/>: several agents at once, or one. Each leg is screened by
    /// its own <c>url</c> (the agent presses 1 to take the call); the first leg whose screening ends without a
    /// hang-up is connected and the provider hangs up the others. The caller keeps hearing ringing.
    /// </summary>
    public static string DialTeam(
        string callerId, IReadOnlyList<(string Phone, string ScreenUrl)> legs, int ringSeconds, string dialEndedUrl)
    {
        if (legs.Count is 0 or > MaxNumbersPerDial)
        {
            throw new ArgumentOutOfRangeException(
                nameof(legs), legs.Count, $"A dial rings 1 to {MaxNumbersPerDial} numbers");
        }

        return Document(new XElement("Dial",
            new XAttribute("callerId", callerId),
            new XAttribute("answerOnBridge", "true"),
            new XAttribute("timeout", ringSeconds),
            new XAttribute("action", dialEndedUrl),
            legs.Select(leg => new XElement("Number", new XAttribute("url", leg.ScreenUrl), leg.Phone))));
    }

    /// <summary>
    /// An outbound call: from the agent who pressed 1, rings the contact, who sees the platform number.
    /// </summary>
    public static string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, contact, dialEndedUrl, statusUrl, answerOnBridge: true, screenUrl: null);

    /// <summary>
    /// Asks the agent for one key. <c>actionOnEmptyResult</c> makes silence reach the action too, so it is
    /// recorded as "no input"; the trailing hang-up is the safety net.
    /// </summary>
    public static string Screen(string prompt, string answerUrl) => Screen(prompt, answerUrl, Words.English);

    /// <summary>As <see cref="Screen(string, string)"/>, said in the prompt's language.</summary>
    public static string Screen(string prompt, string answerUrl, Words words) => Document(
        new XElement("Gather",
            new XAttribute("numDigits", "1"),
            new XAttribute("timeout", "6"),
            new XAttribute("action", answerUrl),
            new XAttribute("actionOnEmptyResult", "true"),
            Say(words, prompt, loop: 2)),
        new XElement("Hangup"));

    private static string Dial(
        string callerId,
        string number,
        string dialEndedUrl,
        string statusUrl,
        bool answerOnBridge,
        string? screenUrl) => Document(
        new XElement("Dial",
            new XAttribute("callerId", callerId),
            answerOnBridge ? new XAttribute("answerOnBridge", "true") : null,
            new XAttribute("action", dialEndedUrl),
            new XElement("Number",
                screenUrl is null ? null : new XAttribute("url", screenUrl),
                new XAttribute("statusCallback", statusUrl),
                new XAttribute("statusCallbackEvent", StatusEvents),
                number)));

    private static string Document(params XElement[] verbs) => ResponseDocument.Write(verbs);
}

/// <summary>TwiML as the markup of the shared webhooks; SignalWire's cXML is the same document.</summary>
internal sealed class TwilioMarkup : ICallMarkup
{
    public static readonly TwilioMarkup Instance = new();

    public int MaxNumbersPerDial => TwiML.MaxNumbersPerDial;

    public string Reject() => TwiML.Reject();

    public string Empty() => TwiML.Empty();

    public string Hangup() => TwiML.Hangup();

    public string SayThenHangup(string message) => TwiML.SayThenHangup(message);

    public string Unavailable(CallerMessage? message) => TwiML.Unavailable(message);

    public string Unavailable(CallerMessage? message, Words words) => TwiML.Unavailable(message, words);

    public string AfterHours(Words words) => TwiML.AfterHours(words);

    public string Voicemail(CallerMessage? message, VoicemailRecording recording) =>
        TwiML.Voicemail(message, recording);

    public string Voicemail(CallerMessage? message, VoicemailRecording recording, Words words) =>
        TwiML.Voicemail(message, recording, words);

    public string AfterHoursVoicemail(VoicemailRecording recording, Words words) =>
        TwiML.AfterHoursVoicemail(recording, words);

    public string VoicemailRecorded() => TwiML.VoicemailRecorded();

    public string VoicemailRecorded(Words words) => TwiML.VoicemailRecorded(words);

    public string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        TwiML.Forward(callerId, forwardTo, dialEndedUrl, statusUrl);

    public string DialAgent(
        string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        TwiML.DialAgent(callerId, agentPhone, screenUrl, dialEndedUrl, statusUrl);

    public string DialTeam(
        string callerId, IReadOnlyList<(string Phone, string ScreenUrl)> legs, int ringSeconds, string dialEndedUrl) =>
        TwiML.DialTeam(callerId, legs, ringSeconds, dialEndedUrl);

    public string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        TwiML.DialContact(callerId, contact, dialEndedUrl, statusUrl);

    public string Screen(string prompt, string answerUrl) => TwiML.Screen(prompt, answerUrl);

    public string Screen(string prompt, string answerUrl, Words words) => TwiML.Screen(prompt, answerUrl, words);
}
