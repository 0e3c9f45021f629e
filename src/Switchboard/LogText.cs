using System.Text.RegularExpressions;

namespace Switchboard;

/// <summary>
/// What a log line may quote from a request: a provider's identifier as it is, anything else as "(unrecognized)",
/// so that no number, secret or forged line break reaches the logs through it. (Statuses are parsed into
/// <c>CallStatus</c> at the edge, so they never reach a log as the provider's text.)
/// </summary>
public static partial class LogText
{
    /// <summary>A provider's identifier (<c>CA…</c>) as it is; anything else as "(unrecognized)".</summary>
    public static string Sid(string? value) =>
        value is null ? "(none)" : ProviderSid().IsMatch(value) ? value : "(unrecognized)";

    [GeneratedRegex("^[A-Za-z]{2}[0-9A-Za-z]{1,62}$")]
    private static partial Regex ProviderSid();
}
