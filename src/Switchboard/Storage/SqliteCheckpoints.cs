using Microsoft.Data.Sqlite;

namespace Switchboard.Storage;

/// <summary>
/// Copies SQLite's write-ahead log into the database file beside the writers rather than inside them. By default the
/// commit that takes the log past 1,000 pages copies it, with the database file's fsync, while this process's write
/// gate is held: every call and text queued behind that commit waits for it. Here a pass every
/// <see cref="Interval"/> copies what is committed on a connection of its own (a passive checkpoint takes no lock a
/// writer needs). The log can only start again from its beginning once all of it is copied, which a writer that
/// never pauses would not allow: when it holds more than <see cref="RestartPages"/>, the pass copies the last pages
/// with the gate held (after the writers already waiting), so the next commit writes from the log's start.
/// Writers still checkpoint past <see cref="SqlitePragmas.WriterCheckpointPages"/> (when this pass cannot keep up,
/// and during migrations, before it runs).
/// </summary>
internal sealed class SqliteCheckpoints(string connectionString, WriteGate gate, ILogger<SqliteCheckpoints> log)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>About 16 MB of 4 kB pages: past it, the log is made to start again.</summary>
    public const int RestartPages = 4_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, TimeProvider.System, stoppingToken);
                await PassAsync(connection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is busy, away or its disk full (the health check says so): writers' own checkpoints
                // go on, and so does the next pass, on a connection opened again.
                log.LogDebug(e, "A checkpoint pass failed");
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>One pass: what is committed is copied; past <see cref="RestartPages"/>, all of it.</summary>
    private async Task PassAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(ct);
        }

        if (await LogPagesAfterCheckpointAsync(connection, ct) > RestartPages)
        {
            await using (await gate.EnterLastAsync(ct))
            {
                await LogPagesAfterCheckpointAsync(connection, ct);
            }
        }
    }

    /// <summary>Copies what is committed; answers how many pages the log holds (copied or not).</summary>
    private static async Task<long> LogPagesAfterCheckpointAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await using var result = await command.ExecuteReaderAsync(ct);
        await result.ReadAsync(ct);
        return result.GetInt64(1);
    }
}
