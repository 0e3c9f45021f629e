using System.Xml.Linq;
using Switchboard.Providers;
using Switchboard.Routing;

namespace Switchboard.Bandwidth;

/// <summary>
/// Bandwidth's BXML for Switchboard's answers, with only the verbs and attributes its BXML reference documents
/// (SpeakSentence, PlayAudio, Gather, Record, Transfer/PhoneNumber, Hangup). Where it differs from TwiML: a dial is
/// a <c>Transfer</c> whose <c>PhoneNumber</c> runs the agent's prompt at <c>transferAnswerUrl</c> before the bridge;
/// a Gather always reports to its <c>gatherUrl</c>, silence included; and there is no Reject verb, so a refused
/// call is a <c>Hangup</c> before anything else. Every verb that names a callback URL carries the callback
/// credentials, so that Bandwidth signs in to each of them as it does to the application's own URLs.
/// </summary>
public sealed class Bxml(string? username, string? password) : ICallMarkup
{
    /// <summary>Bandwidth expects BXML served as XML.</summary>
    public const string ContentType = "application/xml; charset=utf-8";

    /// <summary>The documents that name no callback URL (the fallbacks) need no credentials.</summary>
    public static readonly Bxml WithoutCredentials = new(null, null);

    public string Reject() => Hangup();

    public string Empty() => Document();

    public string Hangup() => Document(new XElement("Hangup"));

    public string SayThenHangup(string message) => Document(Speak(message), new XElement("Hangup"));

    public string Unavailable(CallerMessage? message) =>
        MessageVerb(message) is { } verb ? Document(verb, new XElement("Hangup")) : SayThenHangup(Spoken.Unavailable);

    /// <summary>
    /// Recorded up to the limit, ended by # or 5 s of silence; <c>recordCompleteUrl</c> answers the thanks.
    /// </summary>
    public string Voicemail(CallerMessage? message, VoicemailRecording recording) => Document(
        MessageVerb(message) ?? Speak(Spoken.VoicemailUnavailable),
        Speak(Spoken.VoicemailPrompt),
        new XElement("Record",
            new XAttribute("recordCompleteUrl", recording.ActionUrl),
            new XAttribute("recordCompleteMethod", "POST"),
            new XAttribute("recordingAvailableUrl", recording.StatusUrl),
            new XAttribute("recordingAvailableMethod", "POST"),
            new XAttribute("maxDuration", recording.MaxSeconds),
            new XAttribute("silenceTimeout", "5"),
            new XAttribute("terminatingDigits", "#"),
            recording.TranscriptionUrl is null ? null : new XAttribute("transcribe", "true"),
            recording.TranscriptionUrl is { } url ? new XAttribute("transcriptionAvailableUrl", url) : null,
            Credentials()),
        new XElement("Hangup"));

    public string VoicemailRecorded() => SayThenHangup(Spoken.VoicemailThanks);

    public string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, forwardTo, dialEndedUrl, statusUrl, answerUrl: null);

    public string DialAgent(
        string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, agentPhone, dialEndedUrl, statusUrl, screenUrl);

    public string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, contact, dialEndedUrl, statusUrl, answerUrl: null);

    /// <summary>The prompt, said twice; a timeout reports to the gatherUrl too, with no digits.</summary>
    public string Screen(string prompt, string answerUrl) => Document(
        new XElement("Gather",
            new XAttribute("gatherUrl", answerUrl),
            new XAttribute("gatherMethod", "POST"),
            new XAttribute("maxDigits", "1"),
            new XAttribute("firstDigitTimeout", "6"),
            new XAttribute("repeatCount", "2"),
            Credentials(),
            Speak(prompt)),
        new XElement("Hangup"));

    private static XElement Speak(string text) => new("SpeakSentence", text);

    /// <summary>
    /// The organization's own message: its recording, or its words in its language (BXML's <c>locale</c> writes
    /// <c>en_US</c>). Its voice is a Twilio voice name, which Bandwidth does not know: Bandwidth's default speaks.
    /// </summary>
    private static XElement? MessageVerb(CallerMessage? message) => message switch
    {
        { PlayUrl: { } url } => new XElement("PlayAudio", url),
        { Say: { } text } => new XElement("SpeakSentence",
            message.Language is { } language ? new XAttribute("locale", language.Replace('-', '_')) : null,
            text),
        _ => null,
    };

    private string Transfer(
        string callerId, string number, string completeUrl, string disconnectUrl, string? answerUrl) =>
        Document(new XElement("Transfer",
            new XAttribute("transferCallerId", callerId),
            new XAttribute("transferCompleteUrl", completeUrl),
            new XAttribute("transferCompleteMethod", "POST"),
            Credentials(),
            new XElement("PhoneNumber",
                answerUrl is null ? null : new XAttribute("transferAnswerUrl", answerUrl),
                answerUrl is null ? null : new XAttribute("transferAnswerMethod", "POST"),
                new XAttribute("transferDisconnectUrl", disconnectUrl),
                new XAttribute("transferDisconnectMethod", "POST"),
                Credentials(),
                number)));

    private XAttribute[] Credentials() => username is { Length: > 0 } && password is { Length: > 0 }
        ? [new XAttribute("username", username), new XAttribute("password", password)]
        : [];

    private static string Document(params XElement[] verbs) =>
        new XDeclaration("1.0", "UTF-8", null)
        + new XElement("Response", verbs).ToString(SaveOptions.DisableFormatting);
}
