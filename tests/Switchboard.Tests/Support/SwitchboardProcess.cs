using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Support;

/// <summary>A real Switchboard process (the built app, not the test host) on a loopback port of its own.</summary>
public sealed partial class SwitchboardProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private SwitchboardProcess(Process process, Uri address, ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    public Uri Address { get; }

    /// <summary>What the process has written so far, standard output and error, line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    /// <summary>The operating system's id of the process (for reading its memory under /proc).</summary>
    public int ProcessId => _process.Id;

    public static async Task<SwitchboardProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPath());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            RunLog.Append(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            output.Enqueue(e.Data ?? "");
            RunLog.Append(e.Data ?? "");
        };
        process.Exited += (_, _) =>
            listening.TrySetException(
                new InvalidOperationException("Switchboard exited:\n" + string.Join('\n', output)));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new SwitchboardProcess(process, address, output);
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary><c>kill -9</c>: the process ends at once, with no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// The app built beside this test assembly's configuration:
    /// src/Switchboard/bin/{Configuration}/{tfm}/Switchboard.dll.
    /// </summary>
    private static string AppPath()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Switchboard", "bin", configuration, framework, "Switchboard.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first", path);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
