using System.Globalization;

namespace Switchboard.Calls;

/// <summary>
/// What the agent hears on picking up an inbound call, before pressing 1. Never a phone number or its digits.
/// </summary>
public static class ScreeningPrompt
{
    public static string For(CallContext context, DateTime now)
    {
        var who = SpeakableName(context.ContactName) is { } name ? $"{name}, a contact" : "a contact";
        var team = context.GroupName is { } group
            ? $", group {group}"
            : context.InboxName is { } inbox ? $", inbox {inbox}" : "";
        var when = context.LastTextAt is { } at ? $" You texted them {Ago(now - at)}." : "";
        return $"You have a call from {who} of {context.OrganizationName}{team}.{when} Press 1 to accept the call. " +
            "Press any other key to decline.";
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

    public static string Ago(TimeSpan elapsed) => elapsed switch
    {
        { TotalMinutes: < 1 } => "just now",
        { TotalMinutes: < 60 } => Count((int)elapsed.TotalMinutes, "minute") + " ago",
        { TotalHours: < 48 } => Count((int)elapsed.TotalHours, "hour") + " ago",
        { TotalDays: < 60 } => Count((int)elapsed.TotalDays, "day") + " ago",
        _ => Count((int)(elapsed.TotalDays / 30), "month") + " ago",
    };

    private static string Count(int n, string unit) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
