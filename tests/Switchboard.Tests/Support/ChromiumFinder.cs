namespace Switchboard.Tests.Support;

/// <summary>What a search for a browser found, and everything it tried on the way.</summary>
internal sealed record ChromiumSearch(string? Executable, IReadOnlyList<string> Tried)
{
    public string Explain() =>
        "The browser tests need Chromium or Google Chrome and found none. Tried: " + string.Join("; ", Tried) + ". " +
        "Install Debian's chromium (apt-get install chromium; ./test.sh does it) " +
        $"or set {ChromiumFinder.Variable} to " +
        "the path of a Chromium or Chrome executable.";
}

/// <summary>
/// Finds the browser the panel's tests drive, so that they run on other systems than Debian: the path in
/// <see cref="Variable"/> when it is set, else the first of <see cref="Names"/> on PATH (each name in PATH's order
/// before the next name). test.sh looks the same way before it installs anything (its find_chromium).
/// </summary>
internal static class ChromiumFinder
{
    public const string Variable = "SWITCHBOARD_TEST_CHROMIUM";

    public static readonly IReadOnlyList<string> Names = ["chromium", "chromium-browser", "google-chrome"];

    public static ChromiumSearch Search() =>
        Search(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("PATH"));

    /// <remarks>
    /// A configured path that is not an executable is an error, not a reason to look elsewhere: whoever set it
    /// meant that browser, and a quiet fallback would test another one.
    /// </remarks>
    public static ChromiumSearch Search(string? configured, string? path)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            var refused = Refusal(configured);
            return refused is null
                ? new ChromiumSearch(configured, [])
                : new ChromiumSearch(null, [$"{Variable}={configured} ({refused})"]);
        }

        var tried = new List<string> { $"{Variable} (not set)" };
        var folders = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in Names)
        {
            foreach (var candidate in folders.Select(folder => Path.Combine(folder, name)).Where(File.Exists))
            {
                var refused = Refusal(candidate);
                if (refused is null)
                {
                    return new ChromiumSearch(candidate, tried);
                }

                tried.Add($"{candidate} ({refused})");
            }
        }

        tried.Add(
            $"{string.Join(", ", Names)} on PATH " +
            $"({(folders.Length == 0 ? "empty" : string.Join(Path.PathSeparator, folders))})");
        return new ChromiumSearch(null, tried);
    }

    /// <summary>Why a file cannot be the browser, or null when it can.</summary>
    private static string? Refusal(string file)
    {
        if (!File.Exists(file))
        {
            return "no such file";
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & ExecuteBits) == 0)
        {
            return "not executable";
        }

        return IsSnapStub(file) ? "Ubuntu's snap stub: it only says to install the chromium snap" : null;
    }

    private const UnixFileMode ExecuteBits =
        UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Ubuntu's chromium-browser package leaves a shell script that asks for the snap instead of a browser. Other
    /// scripts are fine: Debian's own /usr/bin/chromium is a script that starts the real binary.
    /// </summary>
    private static bool IsSnapStub(string file)
    {
        using var stream = File.OpenRead(file);
        var head = new byte[4096];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var text = System.Text.Encoding.UTF8.GetString(head, 0, read);
        return text.StartsWith("#!", StringComparison.Ordinal)
            && text.Contains("snap install", StringComparison.Ordinal);
    }
}
