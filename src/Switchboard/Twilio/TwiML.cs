using System.Xml.Linq;

namespace Switchboard.Twilio;

/// <summary>Writes the TwiML documents of SPEC.md part 2. Only XML here: what to say and where to go is decided elsewhere.</summary>
public static class TwiML
{
    public const string ContentType = "text/xml; charset=utf-8";

    public const string UnavailableMessage = "Sorry, nobody is available to take your call right now. Please try again later. Goodbye.";
    public const string ErrorMessage = "Sorry, we cannot take your call right now. Please try again later. Goodbye.";

    private const string StatusEvents = "initiated ringing answered completed";

    public static string Reject() => Document(new XElement("Reject"));

    public static string Empty() => Document();

    public static string Hangup() => Document(new XElement("Hangup"));

    /// <summary>Plays a short message to the caller and ends the call.</summary>
    public static string SayThenHangup(string message) => Document(new XElement("Say", message), new XElement("Hangup"));

    /// <summary>Rings the forward target at once, showing the platform number; no prompt.</summary>
    public static string Forward(string callerId, string forwardTo, string dialEndedUrl, string statusUrl) => Document(
        new XElement("Dial",
            new XAttribute("callerId", callerId),
            new XAttribute("action", dialEndedUrl),
            new XElement("Number",
                new XAttribute("statusCallback", statusUrl),
                new XAttribute("statusCallbackEvent", StatusEvents),
                forwardTo)));

    /// <summary>Rings the agent; the caller keeps hearing ringing until the agent accepts at the screening prompt.</summary>
    public static string DialAgent(string callerId, string agentPhone, string screenUrl, string dialEndedUrl, string statusUrl) => Document(
        new XElement("Dial",
            new XAttribute("callerId", callerId),
            new XAttribute("answerOnBridge", "true"),
            new XAttribute("action", dialEndedUrl),
            new XElement("Number",
                new XAttribute("url", screenUrl),
                new XAttribute("statusCallback", statusUrl),
                new XAttribute("statusCallbackEvent", StatusEvents),
                agentPhone)));

    /// <summary>
    /// Asks the agent for one key. <c>actionOnEmptyResult</c> makes silence reach the action too, so it is
    /// recorded as "no input"; the trailing hang-up is the safety net.
    /// </summary>
    public static string Screen(string prompt, string answerUrl) => Document(
        new XElement("Gather",
            new XAttribute("numDigits", "1"),
            new XAttribute("timeout", "6"),
            new XAttribute("action", answerUrl),
            new XAttribute("actionOnEmptyResult", "true"),
            new XElement("Say", new XAttribute("loop", "2"), prompt)),
        new XElement("Hangup"));

    private static string Document(params XElement[] verbs) =>
        new XDeclaration("1.0", "UTF-8", null) + new XElement("Response", verbs).ToString(SaveOptions.DisableFormatting);
}
