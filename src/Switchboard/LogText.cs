using System.Text.RegularExpressions;

namespace Switchboard;

/// <summary>
/// What a log line may quote from a request: a provider's status word (<c>completed</c>, <c>no-answer</c>) or
/// identifier as it is, anything else as "(unrecognized)", so that no number, secret or forged line break reaches
/// the logs through it.
/// </summary>
public static partial class LogText
{
    public static string Word(string? value) => value is null ? "(none)" : StatusWord().IsMatch(value) ? value : "(unrecognized)";

    /// <summary>A provider's identifier (<c>CA…</c>) as it is; anything else as "(unrecognized)".</summary>
    public static string Sid(string? value) => value is null ? "(none)" : ProviderSid().IsMatch(value) ? value : "(unrecognized)";

    [GeneratedRegex("^[a-z][a-z-]{0,31}$")]
    private static partial Regex StatusWord();

    [GeneratedRegex("^[A-Za-z]{2}[0-9A-Za-z]{1,62}$")]
    private static partial Regex ProviderSid();
}
