using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Switchboard.Storage;

/// <summary>
/// <c>/healthz</c>: healthy when the database answers what a call needs within
/// <see cref="DatabaseOptions.HealthTimeout"/> — a read of the numbers and, on SQLite, the write lock (a file
/// another process holds locked still reads, but no call could be stored) and some free space on its disk (a
/// full disk still reads and locks, but every commit fails). A connection of its own, not pooled, so that a
/// probe never waits behind the app's connections or leaves a broken one behind.
/// </summary>
public sealed class DatabaseHealthCheck(
    IServiceScopeFactory scopes,
    WriteGate gate,
    IOptions<SwitchboardOptions> options) : IHealthCheck
{
    private const string Probe = """SELECT count(*) FROM "Numbers" WHERE "Number" = ''""";
    private const long MinFreeBytes = 1 << 20;

    private (DbProviderFactory Factory, string ConnectionString, string? SqliteFolder)? _source;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var timeout = options.Value.Database.HealthTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await ProbeAsync(deadline.Token).WaitAsync(timeout, ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database did not answer within {timeout}", e);
        }
    }

    private async Task ProbeAsync(CancellationToken ct)
    {
        var (factory, connectionString, sqliteFolder) = _source ??= Source();
        await using var connection = factory.CreateConnection()
            ?? throw new InvalidOperationException($"{factory.GetType().Name} creates no connections");
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(ct);
        await using var read = connection.CreateCommand();
        read.CommandText = Probe;
        await read.ExecuteScalarAsync(ct);
        if (sqliteFolder is null)
        {
            return;
        }

        if (new DriveInfo(sqliteFolder).AvailableFreeSpace < MinFreeBytes)
        {
            throw new IOException($"Less than {MinFreeBytes >> 20} MiB free on the database's disk");
        }

        await using var writer = await gate.EnterAsync(ct);
        await using var write = connection.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        await write.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The app's database with the probe's short timeouts; SQLite must not create a missing file.</summary>
    private (DbProviderFactory Factory, string ConnectionString, string? SqliteFolder) Source()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        var connectionString = db.Database.GetConnectionString()
            ?? throw new InvalidOperationException("The database has no connection string");
        var seconds = Math.Max(1, (int)Math.Ceiling(options.Value.Database.HealthTimeout.TotalSeconds));
        if (db.Database.IsSqlite())
        {
            var sqlite = new SqliteConnectionStringBuilder(connectionString)
            {
                Pooling = false,
                DefaultTimeout = seconds,
                Mode = SqliteOpenMode.ReadWrite,
            };
            return (SqliteFactory.Instance, sqlite.ToString(), Path.GetDirectoryName(
                Path.GetFullPath(sqlite.DataSource)));
        }

        var postgres = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Timeout = seconds,
            CommandTimeout = seconds,
        };
        return (NpgsqlFactory.Instance, postgres.ToString(), null);
    }
}
