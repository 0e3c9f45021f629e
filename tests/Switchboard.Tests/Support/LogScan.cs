using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Support;

/// <summary>
/// Finds what must never be in a log line: a full phone number (masked ones, <c>***0199</c>, are fine), an API key, a
/// call-events secret, a password hash, or one of the secrets the tests use (operator token, provider auth token,
/// panel passwords). The formats are Switchboard's own, so a key or secret made during a test is found without the
/// test telling anyone about it.
/// </summary>
public static partial class LogScan
{
    /// <summary>The literal secrets of the test suite and the demo.</summary>
    public static readonly string[] KnownSecrets =
    [
        SwitchboardApp.OperatorToken,
        SwitchboardApp.AuthToken,
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeTwilioApi.AccountSid}:{SwitchboardApp.AuthToken}")),
        PanelBrowser.Password,
        "another good password",
        Switchboard.Demo.DemoMode.AdminPassword,
        Switchboard.Demo.DemoMode.AgentPassword,
        "demo-operator-token",
        "demo-auth-token",
        Accounts.ProviderAccountTests.OrgToken,
        Accounts.OrganizationAccountWebhookTests.OtherToken,
        "PTsignalwire-token-0001",
        "PSKsigning-key-0002",
        "KEYtelnyx-api-key-0003",
        "bandwidth-pass-0004",
        "callback-pass-0005",
    ];

    public sealed record Leak(int Line, string Kind, string Excerpt);

    public static IEnumerable<Leak> Find(IEnumerable<string> lines)
    {
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            foreach (var (kind, pattern) in Patterns)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    yield return new Leak(number, kind, Excerpt(line, match));
                }
            }

            foreach (var secret in KnownSecrets.Where(s => line.Contains(s, StringComparison.Ordinal)))
            {
                yield return new Leak(
                    number,
                    "a secret of the tests",
                    Excerpt(line, new Regex(Regex.Escape(secret)).Match(line)));
            }
        }
    }

    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("a full phone number", FullNumber()),
        ("a full phone number (URL-encoded)", EncodedNumber()),
        ("a full phone number (written out)", WrittenNumber()),
        ("an API key", ApiKey()),
        ("a call-events secret", EventsSecret()),
        ("a password hash", PasswordHash()),
    ];

    /// <summary>
    /// The line around the match, with the match itself cut short so that the report does not repeat the leak whole.
    /// </summary>
    private static string Excerpt(string line, Match match)
    {
        var start = Math.Max(0, match.Index - 60);
        var end = Math.Min(line.Length, match.Index + match.Length + 60);
        var shown = match.Value.Length > 6 ? match.Value[..6] + "…" : match.Value;
        return line[start..match.Index] + shown + line[(match.Index + match.Length)..end];
    }

    [GeneratedRegex(@"(?<![\w*])\+\d{7,15}")]
    private static partial Regex FullNumber();

    [GeneratedRegex(@"%2[Bb]\d{7,15}")]
    private static partial Regex EncodedNumber();

    [GeneratedRegex(@"\(\d{3}\)\s?\d{3}-\d{4}")]
    private static partial Regex WrittenNumber();

    [GeneratedRegex(@"sbk_\d+_[A-Za-z0-9_-]{20,}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"sbwh_[A-Za-z0-9_-]{20,}")]
    private static partial Regex EventsSecret();

    [GeneratedRegex(@"AQAAAA[A-Za-z0-9+/]{30,}")]
    private static partial Regex PasswordHash();
}
