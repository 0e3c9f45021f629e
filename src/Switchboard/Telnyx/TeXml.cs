using System.Xml.Linq;
using Switchboard.Providers;
using Switchboard.Routing;

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

    public string Reject() => Document(new XElement("Reject"));

    public string Empty() => Document();

    public string Hangup() => Document(new XElement("Hangup"));

    public string SayThenHangup(string message) => Document(new XElement("Say", message), new XElement("Hangup"));

    public string Unavailable(CallerMessage? message) =>
        MessageVerb(message) is { } verb ? Document(verb, new XElement("Hangup")) : SayThenHangup(Spoken.Unavailable);

    public string Voicemail(CallerMessage? message, VoicemailRecording recording) => Document(
        MessageVerb(message) ?? new XElement("Say", Spoken.VoicemailUnavailable),
        new XElement("Say", Spoken.VoicemailPrompt),
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

    public string VoicemailRecorded() => SayThenHangup(Spoken.VoicemailThanks);

    public string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, forwardTo, dialEndedUrl, statusUrl, screenUrl: null);

    public string DialAgent(
        string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, agentPhone, dialEndedUrl, statusUrl, screenUrl);

    public string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, contact, dialEndedUrl, statusUrl, screenUrl: null);

    public string Screen(string prompt, string answerUrl) => Document(
        new XElement("Gather",
            new XAttribute("action", answerUrl),
            new XAttribute("numDigits", "1"),
            new XAttribute("timeout", "6"),
            new XElement("Say", new XAttribute("loop", "2"), prompt)),
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

    private static string Document(params XElement[] verbs) =>
        new XDeclaration("1.0", "UTF-8", null)
        + new XElement("Response", verbs).ToString(SaveOptions.DisableFormatting);
}
