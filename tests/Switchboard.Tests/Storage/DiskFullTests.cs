using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Switchboard.Tests.Support;
using Xunit.Abstractions;

namespace Switchboard.Tests.Storage;

/// <summary>
/// SQLite's disk fills up under a running Switchboard (its file on a small tmpfs of its own), then space is
/// freed: reads go on, but no commit can, so every call ends politely within 2 s and <c>/healthz</c> says
/// Unhealthy, until space comes back, without a restart.
/// </summary>
[Collection(AloneCollection.Name)]
[Trait("Database", "yes")]
public sealed class DiskFullTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private readonly string _disk = Path.Combine(Path.GetTempPath(), $"switchboard-disk-{Guid.NewGuid():N}");
    private SwitchboardApp _app = null!;
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _disk);
        _app = new SwitchboardApp(_disk);
        _app.KeepAnswerBudget();
        _org = await TestOrganization.CreateAsync(_app);
        _provider = _app.Provider();
        var group = await _org.CreateGroupAsync();
        var alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await RunAsync("umount", "--lazy", _disk);
        Directory.Delete(_disk, recursive: true);
    }

    [DiskFullFact]
    public async Task WhileTheDiskIsFullCallsEndPolitelyAndHealthzIsUnhealthyUntilSpaceIsFreed()
    {
        var client = _app.CreateClient();
        var ringing = await _provider.CallAsync(Contact, GroupNumber);
        await ShrinkTheLogAsync();
        var filler = Path.Combine(_disk, "filler");
        FillTheDisk(filler);

        var clock = Stopwatch.StartNew();
        var during = await _provider.CallAsync(Contact, GroupNumber);
        var callTime = clock.Elapsed;
        clock.Restart();
        var status = await ringing.CallerStatusAsync("completed", durationSeconds: 30);
        var statusTime = clock.Elapsed;
        var healthDuring = await client.GetAsync("/healthz");

        File.Delete(filler);
        var after = await _provider.CallAsync(Contact, GroupNumber);
        var healthAfter = await client.GetAsync("/healthz");

        output.WriteLine(
            $"disk full: call answered in {callTime.TotalMilliseconds:F0} ms, " +
            $"status callback in {statusTime.TotalMilliseconds:F0} ms");
        Assert.Equal(["Dial"], ringing.Answer.Verbs);
        Assert.Equal(["Say", "Hangup"], during.Answer.Verbs);
        Assert.True(callTime < TimeSpan.FromSeconds(2), $"the call took {callTime.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Empty(status.Verbs);
        Assert.True(
            statusTime < TimeSpan.FromSeconds(2),
            $"the status callback took {statusTime.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthDuring.StatusCode);
        Assert.Equal(["Dial"], after.Answer.Verbs);
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        Assert.Contains(await _org.CallsAsync(), c => c!["callSid"]!.GetValue<string>() == after.CallSid);
    }

    /// <summary>
    /// SQLite reuses the space its write-ahead log already holds: empty it, so the next commit needs new space.
    /// </summary>
    private async Task ShrinkTheLogAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_app.DatabasePath};Pooling=false");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await using var result = await checkpoint.ExecuteReaderAsync();
        await result.ReadAsync();
        Assert.Equal(0, result.GetInt32(0));
    }

    private static void FillTheDisk(string path)
    {
        var block = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left on the device: that is the point.
        }

        Assert.True(new DriveInfo(path).AvailableFreeSpace < block.Length);
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{command} did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {error}");
    }
}
