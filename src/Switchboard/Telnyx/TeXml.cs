using System.Xml.Linq;
using Switchboard.Providers;
using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Telnyx;

/// <summary>
/// Telnyx's TeXML for Switchboard's answers, with only the verbs and attributes its TeXML reference documents
/// (Dial/Number with url and statusCallback, Gather, Record, Say with voice and language, Play, Hangup, Reject).
/// It differs from TwiML where TeXML does: Record asks for <c>transcription</c>/<c>transcriptionCallback</c>;
/// Dial carries no <c>answerOnBridge</c>, and Gather no <c>actionOnEmptyResult</c> (silence falls through to the
/// Hangup after it, which ends the agent's leg unaccepted).
/// </summary>
public sealed class TeXml : ICallMarkup
{
    public static readonly TeXml Instance = new();

    private const string StatusEvents = "initiated ringing answered completed";

    /// <summary>TeXML's Dial, like TwiML's, rings up to ten <c>Number</c> nouns at once.</summary>
    public int MaxNumbersPerDial => 10;

    public string Reject() => Document(new XElement("Reject"));

    public string Empty() => Document();

    public string Hangup() => Document(new XElement("Hangup"));

    public string SayThenHangup(string message) => Document(new XElement("Say", message), new XElement("Hangup"));

    public string Unavailable(CallerMessage? message) => Unavailable(message, Words.English);

    public string Unavailable(CallerMessage? message, Words words) =>
        Document(MessageVerb(message) ?? Say(words, words.Unavailable), new XElement("Hangup"));

    public string AfterHours(Words words) => Document(Say(words, words.AfterHours), new XElement("Hangup"));

    public string Voicemail(CallerMessage? message, VoicemailRecording recording) =>
        Voicemail(message, recording, Words.English);

    public string Voicemail(CallerMessage? message, VoicemailRecording recording, Words words) =>
        Record(MessageVerb(message) ?? Say(words, words.VoicemailUnavailable), recording, words);

    public string AfterHoursVoicemail(VoicemailRecording recording, Words words) =>
        Record(Say(words, words.AfterHoursVoicemail), recording, words);

    public string VoicemailRecorded() => VoicemailRecorded(Words.English);

    public string VoicemailRecorded(Words words) => Document(Say(words, words.VoicemailThanks), new XElement("Hangup"));

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
            recording.TranscriptionUrl is null ? null : new XAttribute("transcription", "true"),
            recording.TranscriptionUrl is { } url ? new XAttribute("transcriptionCallback", url) : null),
        new XElement("Hangup"));

    /// <summary>
    /// Switchboard's own words, with the voice and language of the call's language (none for English).
    /// </summary>
    private static XElement Say(Words words, string text, int? loop = null) => new("Say",
        loop is { } times ? new XAttribute("loop", times) : null,
        words.Voice is { } voice ? new XAttribute("voice", voice) : null,
        words.SayLanguage is { } language ? new XAttribute("language", language) : null,
        text);

    public string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, forwardTo, dialEndedUrl, statusUrl, screenUrl: null);

    public string DialAgent(
        string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, agentPhone, dialEndedUrl, statusUrl, screenUrl);

    public string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, contact, dialEndedUrl, statusUrl, screenUrl: null);

    /// <summary>
    /// The team rings together as in TwiML: one Dial of screened Numbers (TeXML's Dial documents several Number
    /// nouns, the first to answer is connected); <c>timeout</c> is the ring time.
    /// </summary>
    public string DialTeam(
        string callerId, IReadOnlyList<(string Phone, string ScreenUrl)> legs, int ringSeconds, string dialEndedUrl)
    {
        if (legs.Count == 0 || legs.Count > MaxNumbersPerDial)
        {
            throw new ArgumentOutOfRangeException(
                nameof(legs), legs.Count, $"A dial rings 1 to {MaxNumbersPerDial} numbers");
        }

        return Document(new XElement("Dial",
            new XAttribute("callerId", callerId),
            new XAttribute("timeout", ringSeconds),
            new XAttribute("action", dialEndedUrl),
            new XAttribute("method", "POST"),
            legs.Select(leg => new XElement("Number", new XAttribute("url", leg.ScreenUrl), leg.Phone))));
    }

    public string Screen(string prompt, string answerUrl) => Screen(prompt, answerUrl, Words.English);

    public string Screen(string prompt, string answerUrl, Words words) => Document(
        new XElement("Gather",
            new XAttribute("action", answerUrl),
            new XAttribute("numDigits", "1"),
            new XAttribute("timeout", "6"),
            Say(words, prompt, loop: 2)),
        new XElement("Hangup"));

    private static XElement? MessageVerb(CallerMessage? message) => message switch
    {
        { PlayUrl: { } url } => new XElement("Play", url),
        { Say: { } text } => new XElement("Say",
            message.Voice is { } voice ? new XAttribute("voice", voice) : null,
            message.Language is { } language ? new XAttribute("language", language) : null,
            text),
        _ => null,
    };

    private static string Dial(
        string callerId, string number, string dialEndedUrl, string statusUrl, string? screenUrl) =>
        Document(new XElement("Dial",
            new XAttribute("callerId", callerId),
            new XAttribute("action", dialEndedUrl),
            new XAttribute("method", "POST"),
            new XElement("Number",
                screenUrl is null ? null : new XAttribute("url", screenUrl),
                new XAttribute("statusCallback", statusUrl),
                new XAttribute("statusCallbackEvent", StatusEvents),
                number)));

    private static string Document(params XElement[] verbs) => ResponseDocument.Write(verbs);
}
