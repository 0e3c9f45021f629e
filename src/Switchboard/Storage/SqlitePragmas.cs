using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Switchboard.Storage;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, <c>synchronous=NORMAL</c> keeps every committed transaction
/// through a crash of Switchboard (only a power loss can take the last commits back), and spares an fsync
/// per commit, which would otherwise cap the whole service at a few hundred writes a second. Checkpoints are
/// <see cref="SqliteCheckpoints"/>' work: a writer's commit copies the log only past
/// <see cref="WriterCheckpointPages"/> (SQLite's default: 1,000).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>About 200 MB of 4 kB pages: a backstop, reached only when the passes cannot keep up.</summary>
    public const int WriterCheckpointPages = 50_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(
        DbConnection connection,
        ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={WriterCheckpointPages};";
        command.ExecuteNonQuery();
    }
}
