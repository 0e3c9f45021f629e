using System.Xml.Linq;
using Switchboard.Providers;
using Switchboard.Routing;
using Switchboard.Speech;

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

    /// <summary>BXML's Transfer documents at most 8 destinations (PhoneNumber or SipUri) at once.</summary>
    public int MaxNumbersPerDial => 8;

    public string Reject() => Hangup();

    public string Empty() => Document();

    public string Hangup() => Document(new XElement("Hangup"));

    public string SayThenHangup(string message) => Document(Speak(Words.English, message), new XElement("Hangup"));

    public string Unavailable(CallerMessage? message) => Unavailable(message, Words.English);

    public string Unavailable(CallerMessage? message, Words words) =>
        Document(MessageVerb(message) ?? Speak(words, words.Unavailable), new XElement("Hangup"));

    public string AfterHours(Words words) => Document(Speak(words, words.AfterHours), new XElement("Hangup"));

    public string Voicemail(CallerMessage? message, VoicemailRecording recording) =>
        Voicemail(message, recording, Words.English);

    public string Voicemail(CallerMessage? message, VoicemailRecording recording, Words words) =>
        Record(MessageVerb(message) ?? Speak(words, words.VoicemailUnavailable), recording, words);

    public string AfterHoursVoicemail(VoicemailRecording recording, Words words) =>
        Record(Speak(words, words.AfterHoursVoicemail), recording, words);

    public string VoicemailRecorded() => VoicemailRecorded(Words.English);

    public string VoicemailRecorded(Words words) =>
        Document(Speak(words, words.VoicemailThanks), new XElement("Hangup"));

    /// <summary>
    /// Recorded up to the limit, ended by # or 5 s of silence; <c>recordCompleteUrl</c> answers the thanks.
    /// </summary>
    private string Record(XElement message, VoicemailRecording recording, Words words) => Document(
        message,
        Speak(words, words.VoicemailPrompt),
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

    public string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, forwardTo, dialEndedUrl, statusUrl, answerUrl: null);

    public string DialAgent(
        string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, agentPhone, dialEndedUrl, statusUrl, screenUrl);

    public string DialContact(string callerId, string contact, string dialEndedUrl, string statusUrl) =>
        Transfer(callerId, contact, dialEndedUrl, statusUrl, answerUrl: null);

    /// <summary>
    /// The team rings together: one Transfer of several PhoneNumbers, each running its own agent's prompt at its
    /// <c>transferAnswerUrl</c>; Bandwidth bridges the first leg whose BXML ends and hangs up the others.
    /// <c>callTimeout</c> is the ring time.
    /// </summary>
    public string DialTeam(
        string callerId, IReadOnlyList<(string Phone, string ScreenUrl)> legs, int ringSeconds, string dialEndedUrl)
    {
        if (legs.Count == 0 || legs.Count > MaxNumbersPerDial)
        {
            throw new ArgumentOutOfRangeException(
                nameof(legs), legs.Count, $"A transfer rings 1 to {MaxNumbersPerDial} numbers");
        }

        return Document(new XElement("Transfer",
            new XAttribute("transferCallerId", callerId),
            new XAttribute("callTimeout", Math.Clamp(ringSeconds, 1, 300)),
            new XAttribute("transferCompleteUrl", dialEndedUrl),
            new XAttribute("transferCompleteMethod", "POST"),
            Credentials(),
            legs.Select(leg => new XElement("PhoneNumber",
                new XAttribute("transferAnswerUrl", leg.ScreenUrl),
                new XAttribute("transferAnswerMethod", "POST"),
                Credentials(),
                leg.Phone))));
    }

    public string Screen(string prompt, string answerUrl) => Screen(prompt, answerUrl, Words.English);

    /// <summary>The prompt, said twice; a timeout reports to the gatherUrl too, with no digits.</summary>
    public string Screen(string prompt, string answerUrl, Words words) => Document(
        new XElement("Gather",
            new XAttribute("gatherUrl", answerUrl),
            new XAttribute("gatherMethod", "POST"),
            new XAttribute("maxDigits", "1"),
            new XAttribute("firstDigitTimeout", "6"),
            new XAttribute("repeatCount", "2"),
            Credentials(),
            Speak(words, prompt)),
        new XElement("Hangup"));

    /// <summary>
    /// Switchboard's own words with the locale of the call's language; the voice is Bandwidth's default for it,
    /// since the stored voice names are Twilio's.
    /// </summary>
    private static XElement Speak(Words words, string text) => new("SpeakSentence",
        Locale(words.SayLanguage) is { } locale ? new XAttribute("locale", locale) : null,
        text);

    /// <summary>
    /// BXML's locale for a language: only those its voice table lists. It has no <c>es_US</c>, so Spanish of the
    /// United States is spoken by the Latin American voice (<c>es_MX</c>); an unlisted language gets the default.
    /// </summary>
    internal static string? Locale(string? language) => language switch
    {
        "en-US" => "en_US",
        "en-GB" => "en_UK",
        "es-US" or "es-MX" => "es_MX",
        "es-ES" => "es",
        "de-DE" => "de",
        "fr-FR" => "fr",
        "it-IT" => "it",
        _ => null,
    };

    /// <summary>
    /// The organization's own message: its recording, or its words in its language. Its voice is a Twilio voice
    /// name, which Bandwidth does not know: Bandwidth's default voice of the locale speaks.
    /// </summary>
    private static XElement? MessageVerb(CallerMessage? message) => message switch
    {
        { PlayUrl: { } url } => new XElement("PlayAudio", url),
        { Say: { } text } => new XElement("SpeakSentence",
            Locale(message.Language) is { } locale ? new XAttribute("locale", locale) : null,
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

    private static string Document(params XElement[] verbs) => ResponseDocument.Write(verbs);
}
