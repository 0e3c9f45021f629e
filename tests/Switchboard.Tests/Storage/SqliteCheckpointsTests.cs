using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// SQLite's write-ahead log is copied into the database file by a pass beside the writers, not by the commit that
/// takes it past 1,000 pages while every other write waits behind it: writers checkpoint only past a backstop, and
/// after a burst of writes the log is all copied, so the next write starts it again from its beginning (it does not
/// grow without end). SQLite only: PostgreSQL checkpoints itself.
/// </summary>
[Trait("Database", "yes")]
public sealed class SqliteCheckpointsTests : IAsyncLifetime
{
    private const string GroupNumber = "+12025550100";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _agent;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        var group = await _org.CreateGroupAsync();
        _agent = await _org.CreateAgentAsync("Alice", "+16465550111");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [SqliteFact]
    public async Task TheAppsWritersCheckpointOnlyPastTheBackstop()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await db.Database.OpenConnectionAsync();
        await using var pragma = db.Database.GetDbConnection().CreateCommand();
        pragma.CommandText = "PRAGMA wal_autocheckpoint;";

        Assert.Equal((long)SqlitePragmas.WriterCheckpointPages, await pragma.ExecuteScalarAsync());
    }

    [SqliteFact]
    public async Task AfterABurstOfTextsTheLogIsCopiedAndTheNextWriteStartsItAgain()
    {
        // Batches as large as the API takes: the log's file grows by at least one batch's pages (1,300-2,200 here),
        // even when a pass copied it and the next batch started it again.
        for (var batch = 0; batch < 2; batch++)
        {
            var messages = Enumerable.Range(batch * 10_000, 10_000).Select(i => new
            {
                id = $"t{i}",
                agentId = _agent,
                contact = $"+1312{i * 997 % 10_000_000:D7}",
                from = GroupNumber,
                sentAt = _app.Clock.GetUtcNow().AddMinutes(-i),
            });
            var stored = await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new { messages });
            await TestOrganization.ReadAsync(stored);
        }

        var written = new FileInfo(_app.DatabasePath + "-wal").Length / (4096 + 24);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!LogAllCopied() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(SqliteCheckpoints.Interval);
        }

        await _org.CreateAgentAsync("Bob", "+16465550112");
        var afterNextWrite = await LogPagesAsync();

        Assert.True(written > 500, $"the burst took the log to only {written} pages");
        Assert.True(afterNextWrite < 100, $"the log still holds {afterNextWrite} pages after the next write");
    }

    /// <summary>
    /// Whether every page of the log is in the database file, read without taking part: the log's index (the
    /// <c>-shm</c> file SQLite maps) holds the pages written (<c>mxFrame</c>, at byte 16) and those a checkpoint
    /// copied (<c>nBackfill</c>, at byte 96), in the machine's byte order.
    /// </summary>
    private bool LogAllCopied()
    {
        using var index = new FileStream(
            _app.DatabasePath + "-shm", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[100];
        index.ReadExactly(header);
        return BitConverter.ToUInt32(header, 16) == BitConverter.ToUInt32(header, 96);
    }

    /// <summary>The pages SQLite's log holds: a checkpoint does not change it, a writer starting it again does.
    /// </summary>
    private async Task<long> LogPagesAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_app.DatabasePath};Pooling=false");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var result = await checkpoint.ExecuteReaderAsync();
        await result.ReadAsync();
        return result.GetInt64(1);
    }
}
