namespace Switchboard.Providers;

/// <summary>What callers and agents hear in Switchboard's own words, whatever the provider's markup.</summary>
public static class Spoken
{
    public const string Unavailable =
        "Sorry, nobody is available to take your call right now. Please try again later. Goodbye.";

    /// <summary>
    /// The stock message before a voicemail: no "try again later", since the caller may leave a message now.
    /// </summary>
    public const string VoicemailUnavailable = "Sorry, nobody is available to take your call right now.";

    public const string VoicemailPrompt =
        "Please leave a message after the tone. Press the pound key when you are done.";

    public const string VoicemailThanks = "Thank you for your message. Goodbye.";

    public const string Error = "Sorry, we cannot take your call right now. Please try again later. Goodbye.";
}
