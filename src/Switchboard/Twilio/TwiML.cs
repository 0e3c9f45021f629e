using System.Xml.Linq;
using Switchboard.Routing;
using Switchboard.Speech;

namespace Switchboard.Twilio;

/// <summary>
/// Writes the TwiML documents of routing rule R8.2 (docs/routing.md). Only XML here: what to say and where to go is
/// decided elsewhere.
/// </summary>
public static class TwiML
{
    public const string ContentType = "text/xml; charset=utf-8";

    public const string UnavailableMessage = "Sorry, nobody is available to take your call right now. Please try again later. Goodbye.";
    public const string ErrorMessage = "Sorry, we cannot take your call right now. Please try again later. Goodbye.";

    /// <summary>Every status a leg has, in Twilio's words (TwiML lists them space-separated, the REST API one field each).</summary>
    public static readonly IReadOnlyList<string> StatusEventNames = ["initiated", "ringing", "answered", "completed"];

    private static readonly string StatusEvents = string.Join(' ', StatusEventNames);

    public static string Reject() => Document(new XElement("Reject"));

    public static string Empty() => Document();

    public static string Hangup() => Document(new XElement("Hangup"));

    /// <summary>Plays a short message to the caller and ends the call.</summary>
    public static string SayThenHangup(string message) => Document(new XElement("Say", message), new XElement("Hangup"));

    /// <summary>
    /// The caller hears that nobody is available, then the call ends: the organization's, group's or inbox's own
    /// message when there is one (spoken in its voice and language, or its recording played), else the stock one.
    /// </summary>
    public static string Unavailable(CallerMessage? message) => Unavailable(message, Words.English);

    /// <summary>As <see cref="Unavailable(CallerMessage?)"/>; the stock message in the call's language.</summary>
    public static string Unavailable(CallerMessage? message, Words words) => message switch
    {
        { PlayUrl: { } url } => Document(new XElement("Play", url), new XElement("Hangup")),
        { Say: { } text } => Document(
            new XElement("Say",
                message.Voice is { } voice ? new XAttribute("voice", voice) : null,
                message.Language is { } language ? new XAttribute("language", language) : null,
                text),
            new XElement("Hangup")),
        _ => Document(Say(words, words.Unavailable), new XElement("Hangup")),
    };

    /// <summary>Closed now: the stock after-hours message in the call's language, then the call ends.</summary>
    public static string AfterHours(Words words) => Document(Say(words, words.AfterHours), new XElement("Hangup"));

    /// <summary>Words Switchboard says itself, with the voice and language of the call's language (none for English: the provider's default).</summary>
    private static XElement Say(Words words, string text, int? loop = null) => new("Say",
        loop is { } times ? new XAttribute("loop", times) : null,
        words.Voice is { } voice ? new XAttribute("voice", voice) : null,
        words.SayLanguage is { } language ? new XAttribute("language", language) : null,
        text);

    /// <summary>Rings the forward target at once, showing the platform number; no prompt.</summary>
    public static string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, forwardTo, dialEndedUrl, statusUrl, answerOnBridge: false, screenUrl: null);

    /// <summary>Rings the agent; the caller keeps hearing ringing until the agent accepts at the screening prompt.</summary>
    public static string DialAgent(string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) =>
        Dial(callerId, agentPhone, dialEndedUrl, statusUrl, answerOnBridge: true, screenUrl);

    /// <summary>An outbound call: from the agent who pressed 1, rings the contact, who sees the platform number.</summary>
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

    private static string Dial(string callerId, string number, string dialEndedUrl, string statusUrl, bool answerOnBridge, string? screenUrl) => Document(
        new XElement("Dial",
            new XAttribute("callerId", callerId),
            answerOnBridge ? new XAttribute("answerOnBridge", "true") : null,
            new XAttribute("action", dialEndedUrl),
            new XElement("Number",
                screenUrl is null ? null : new XAttribute("url", screenUrl),
                new XAttribute("statusCallback", statusUrl),
                new XAttribute("statusCallbackEvent", StatusEvents),
                number)));

    private static string Document(params XElement[] verbs) =>
        new XDeclaration("1.0", "UTF-8", null) + new XElement("Response", verbs).ToString(SaveOptions.DisableFormatting);
}
