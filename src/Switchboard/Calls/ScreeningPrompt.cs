using Switchboard.Speech;

namespace Switchboard.Calls;

/// <summary>
/// What the agent hears on picking up an inbound call, before pressing 1. Never a phone number or its digits.
/// </summary>
public static class ScreeningPrompt
{
    public static string For(CallContext context, DateTime now) => For(context, now, Words.English);

    /// <summary>The prompt in the call's language (Speech/*.json).</summary>
    public static string For(CallContext context, DateTime now, Words words)
    {
        var who = SpeakableName(context.ContactName) is { } name
            ? Fill(words.NamedContact, "{name}", name)
            : words.AContact;
        var team = context.GroupName is { } group ? Fill(words.Group, "{name}", group)
            : context.InboxName is { } inbox ? Fill(words.Inbox, "{name}", inbox) : "";
        var when = context.LastTextAt is { } at ? Fill(words.Texted, "{ago}", words.Ago(now - at)) : "";
        return words.Prompt
            .Replace("{who}", who, StringComparison.Ordinal)
            .Replace("{organization}", context.OrganizationName, StringComparison.Ordinal)
            .Replace("{team}", team, StringComparison.Ordinal)
            .Replace("{when}", when, StringComparison.Ordinal);
    }

    /// <summary>
    /// A name with three digits or more may be a phone number that the platform sent as a name, and would give the
    /// contact's digits away: it is not said.
    /// </summary>
    public static string? SpeakableName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Count(char.IsDigit) >= 3 ? null : trimmed;
    }

    public static string Ago(TimeSpan elapsed) => Words.English.Ago(elapsed);

    private static string Fill(string template, string placeholder, string value) =>
        template.Replace(placeholder, value, StringComparison.Ordinal);
}
