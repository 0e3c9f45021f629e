using Switchboard.Tests.Support;

namespace Switchboard.Tests.Reliability;

/// <summary>
/// Secrets and personal numbers never reach the logs. Every app the tests start writes its log lines to
/// <see cref="RunLog"/>; <c>./test.sh</c> points both database passes at one file and, after them, runs the test
/// marked <c>Run=last</c> to scan it. Run alone (<c>dotnet test</c>), that test scans the lines of its own process.
/// </summary>
public sealed class LogScanTests
{
    [Fact]
    [Trait("Run", "last")]
    public void TheLogsOfTheWholeTestRunHoldNoFullPhoneNumberAndNoSecret()
    {
        var path = Environment.GetEnvironmentVariable(RunLog.FileVariable);
        var lines = path is { Length: > 0 } && File.Exists(path) ? ReadShared(path) : RunLog.Lines;
        var leaks = LogScan.Find(lines).ToList();

        if (path is { Length: > 0 })
        {
            // The capture itself works: a whole run logs thousands of calls, each with its numbers masked.
            Assert.True(lines.Count > 1_000, $"only {lines.Count} log lines in {path}");
            Assert.Contains(lines, line => line.Contains("from ***", StringComparison.Ordinal));
        }

        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks in {lines.Count} log lines:\n" +
            string.Join('\n', leaks.Take(30).Select(l => $"line {l.Line}: {l.Kind}: {l.Excerpt}")));
    }

    [Theory]
    [InlineData("Information Switchboard.Calls.InboundCalls: Call CA1 from +14155550199 to ***0100: Reject",
        "a full phone number")]
    [InlineData("Warning X: GET /api/v1/organizations/1/routing/explain?contact=%2B14155550199",
        "a full phone number (URL-encoded)")]
    [InlineData("Error X: could not parse (415) 555-0199", "a full phone number (written out)")]
    [InlineData("Information X: issued sbk_12_Zm9vYmFyYmF6cXV4cXV1eHh5enp5", "an API key")]
    [InlineData("Information X: secret sbwh_Zm9vYmFyYmF6cXV4cXV1eHh5enp5", "a call-events secret")]
    [InlineData("Information X: hash AQAAAAIAAYagAAAAEKh3p4Yb8kOA7m5oZl2p0Fh2o9Y0y", "a password hash")]
    [InlineData("Warning X: Authorization: Bearer test-operator-token", "a secret of the tests")]
    [InlineData("Warning X: password was correct horse battery", "a secret of the tests")]
    public void TheScanFindsEveryKindOfLeak(string line, string kind)
    {
        var leak = Assert.Single(LogScan.Find([line]));

        Assert.Equal(kind, leak.Kind);
    }

    [Theory]
    [InlineData(
        "Information Switchboard.Calls.InboundCalls: Call CA000112345678901234 from ***0199 to ***0100: " +
        "ConnectAgent (LastAgentByOrganization)")]
    [InlineData("Information X: Call 12: dial ended with no-answer, connected: False")]
    [InlineData("Information X: at 2026-11-24T12:00:00+00:00 took 1234567 ticks")]
    [InlineData("Warning X: Call event 5f0c9a52-3c1e-4f7e-9a3b-2d1c8e7f6a10 to organization 1 failed (HTTP 503)")]
    public void TheScanLetsMaskedNumbersAndOrdinaryLinesThrough(string line)
    {
        Assert.Empty(LogScan.Find([line]));
    }

    private static List<string> ReadShared(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
