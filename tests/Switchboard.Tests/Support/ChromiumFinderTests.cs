namespace Switchboard.Tests.Support;

/// <summary>
/// The browser finder on folders of fake executables: which one it picks, and what it says when none fits.
/// </summary>
public sealed class ChromiumFinderTests : IDisposable
{
    /// <summary>What Ubuntu's chromium-browser package installs when the snap is not there.</summary>
    private const string SnapStub = """
        #!/bin/sh

        if ! [ -x /snap/bin/chromium ]; then
          echo "" >&2
          echo "Command '$0' requires the chromium snap to be installed." >&2
          echo "Please install it with:" >&2
          echo "" >&2
          echo "snap install chromium" >&2
          echo "" >&2
          exit 1
        fi

        exec /snap/bin/chromium "$@"
        """;

    /// <summary>Like Debian's /usr/bin/chromium: a script that starts the real binary.</summary>
    private const string Wrapper = "#!/bin/sh\nexec /usr/lib/chromium/chromium \"$@\"\n";

    private readonly string _root = Directory.CreateTempSubdirectory("chromium-finder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Search_ConfiguredExecutable_WinsOverEverythingOnPath()
    {
        var configured = Executable("opt/chrome/chrome");
        Executable("bin/chromium");

        var found = ChromiumFinder.Search(configured, Folder("bin"));

        Assert.Equal(configured, found.Executable);
    }

    [Fact]
    public void Search_ConfiguredPathMissing_FailsNamingItInsteadOfTakingAnotherBrowser()
    {
        Executable("bin/chromium");
        var missing = Path.Combine(_root, "opt/chrome/chrome");

        var found = ChromiumFinder.Search(missing, Folder("bin"));

        Assert.Null(found.Executable);
        Assert.Contains($"SWITCHBOARD_TEST_CHROMIUM={missing} (no such file)", found.Explain());
    }

    [Fact]
    public void Search_ConfiguredFileNotExecutable_FailsSayingSo()
    {
        var configured = Write("opt/chrome/chrome", Wrapper, executable: false);

        var found = ChromiumFinder.Search(configured, null);

        Assert.Null(found.Executable);
        Assert.Contains("(not executable)", found.Explain());
    }

    [Fact]
    public void Search_Unconfigured_TakesChromiumBeforeChromiumBrowserBeforeGoogleChrome_WhateverThePathOrder()
    {
        Executable("first/google-chrome");
        Executable("second/chromium-browser");
        var chromium = Executable("third/chromium");
        var path = SearchPath(Folder("first"), Folder("second"), Folder("third"));

        Assert.Equal(chromium, ChromiumFinder.Search(null, path).Executable);

        File.Delete(chromium);
        Assert.Equal(Path.Combine(Folder("second"), "chromium-browser"), ChromiumFinder.Search(null, path).Executable);
    }

    [Fact]
    public void Search_OneNameInTwoFolders_TakesTheFirstOnPath()
    {
        var first = Executable("local/chromium");
        Executable("usr/chromium");

        Assert.Equal(first, ChromiumFinder.Search("", SearchPath(Folder("local"), Folder("usr"))).Executable);
    }

    [Fact]
    public void Search_UbuntusSnapStub_IsSkippedForTheNextBrowser()
    {
        Write("usr/chromium-browser", SnapStub, executable: true);
        var chrome = Executable("opt/google-chrome");

        var found = ChromiumFinder.Search(null, SearchPath(Folder("usr"), Folder("opt")));

        Assert.Equal(chrome, found.Executable);
    }

    [Fact]
    public void Search_ScriptThatStartsTheRealBinary_IsABrowser()
    {
        var wrapper = Write("usr/chromium", Wrapper, executable: true);

        Assert.Equal(wrapper, ChromiumFinder.Search(null, Folder("usr")).Executable);
    }

    [Fact]
    public void Search_NonExecutableFile_IsSkipped()
    {
        Write("usr/chromium", Wrapper, executable: false);
        var browser = Executable("usr/chromium-browser");

        Assert.Equal(browser, ChromiumFinder.Search(null, Folder("usr")).Executable);
    }

    [Fact]
    public void Search_NothingFits_ExplainsEverythingItTriedAndWhatToDo()
    {
        var stub = Write("usr/chromium-browser", SnapStub, executable: true);
        var path = SearchPath(Folder("usr"), Folder("empty"));

        var found = ChromiumFinder.Search(null, path);

        Assert.Null(found.Executable);
        var message = found.Explain();
        Assert.Contains("SWITCHBOARD_TEST_CHROMIUM (not set)", message);
        Assert.Contains($"{stub} (Ubuntu's snap stub", message);
        Assert.Contains($"chromium, chromium-browser, google-chrome on PATH ({path})", message);
        Assert.Contains("apt-get install chromium", message);
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static string SearchPath(params string[] folders) => string.Join(Path.PathSeparator, folders);

    /// <summary>A fake browser: an executable that is not a script.</summary>
    private string Executable(string relative) => Write(relative, "\u007fELF fake browser", executable: true);

    private string Write(string relative, string content, bool executable)
    {
        var file = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, executable
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                : UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return file;
    }
}
