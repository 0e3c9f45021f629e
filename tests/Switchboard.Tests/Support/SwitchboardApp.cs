using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Switchboard.Tests.Support;

/// <summary>
/// The real app on a database of its own, with a fake clock and known secrets. The database is a fresh
/// SQLite file, or, when <c>SWITCHBOARD_TEST_POSTGRES</c> names a PostgreSQL server (as <c>./test.sh</c>
/// does for its second run), a fresh database on that server.
/// </summary>
public sealed class SwitchboardApp : WebApplicationFactory<Program>
{
    public const string OperatorToken = "test-operator-token";
    public const string AuthToken = "test-auth-token";
    public const string PublicBaseUrl = "https://calls.example.org";

    /// <summary>The PostgreSQL server of the second pass (<c>SWITCHBOARD_TEST_POSTGRES</c>); null on SQLite.</summary>
    internal static readonly string? PostgresServer = Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES");

    private readonly string _postgresDatabase = $"sb_test_{Guid.NewGuid():N}";
    private bool _keepDatabase;
    private bool _databaseMade;

    public SwitchboardApp()
    {
    }

    /// <summary>SQLite only: the database file in the given folder (e.g. a small file system of its own).</summary>
    public SwitchboardApp(string databaseFolder)
    {
        DatabasePath = Path.Combine(databaseFolder, "switchboard.db");
    }

    /// <summary>A new app on the database of one that was stopped, its clock where the other's was.</summary>
    private SwitchboardApp(SwitchboardApp stopped)
    {
        _postgresDatabase = stopped._postgresDatabase;
        DatabasePath = stopped.DatabasePath;
        _databaseMade = true;
        Clock.SetUtcNow(stopped.Clock.GetUtcNow());
        foreach (var (key, value) in stopped.Settings)
        {
            Settings[key] = value;
        }

        Replacements.AddRange(stopped.Replacements);
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), $"switchboard-test-{Guid.NewGuid():N}.db");

    /// <summary>
    /// More configuration for this app (e.g. the provider's REST API of a test), set before its first use.
    /// </summary>
    public Dictionary<string, string?> Settings { get; } = new();

    public TestLogs Logs { get; } = new();

    /// <summary>Services a test puts in place of the app's (e.g. a DNS it plays), set before its first use.</summary>
    public List<Action<IServiceCollection>> Replacements { get; } = [];

    public static bool OnPostgres => PostgresServer is not null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        MakeDatabase();
        if (OnPostgres)
        {
            builder.UseSetting("Switchboard:Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:Switchboard", $"{PostgresServer};Database={_postgresDatabase}");
        }
        else
        {
            builder.UseSetting("ConnectionStrings:Switchboard", $"Data Source={DatabasePath}");
        }

        builder.UseSetting("Switchboard:OperatorToken", OperatorToken);
        builder.UseSetting("Switchboard:Twilio:AuthToken", AuthToken);
        builder.UseSetting("Switchboard:Twilio:PublicBaseUrl", PublicBaseUrl);
        // Tests send wrong keys and passwords on purpose, all from one source; RateLimitTests sets limits of its own.
        builder.UseSetting("Switchboard:RateLimits:FailedAuthentication:PermitLimit", "0");
        builder.UseSetting("Switchboard:RateLimits:FailedSignIns:PermitLimit", "0");
        // Background passes start at once, as they did before the cold-start delay; FirstPassTests checks the delay.
        builder.UseSetting("Switchboard:Background:FirstPassDelay", "00:00:00");
        // A webhook that outlasts its answer budget (1.5 s by default) hears the apology: beside a full parallel run
        // on two cores a call can wait that long for a thread. Tests of the budget set it back.
        builder.UseSetting("Switchboard:Twilio:AnswerBudget", "00:00:30");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddLogging(logging => logging.AddProvider(Logs));
            services.AddSingleton<IStartupFilter, TestSourceAddress>();
            Replacements.ForEach(replace => replace(services));
        });
    }

    /// <summary>Starts on no database at all, as a first install does: its start creates and migrates it.</summary>
    public bool EmptyDatabase { get; init; }

    /// <summary>
    /// The app's own database, a copy of the migrated schema (<see cref="TemplateDatabase"/>), unless it starts empty.
    /// </summary>
    private void MakeDatabase()
    {
        if (_databaseMade || EmptyDatabase)
        {
            return;
        }

        _databaseMade = true;
        if (OnPostgres)
        {
            TemplateDatabase.CreatePostgres(_postgresDatabase);
        }
        else
        {
            TemplateDatabase.CopySqliteTo(DatabasePath);
        }
    }

    /// <summary>
    /// Background passes (the hourly connection check, …) first run an hour after the start, when the test moves the
    /// clock: run at once, one could act at a moment the test did not choose (a number checked while it was being
    /// added, what it saw stored after the test changed the provider's side). Set before the app's first use.
    /// </summary>
    public void HoldBackgroundPassesUntilTheClockMoves() =>
        Settings["Switchboard:Background:FirstPassDelay"] = "01:00:00";

    /// <summary>The app's own answer budget instead of the suite's 30 s: for tests of the apology.</summary>
    public void KeepAnswerBudget() =>
        Settings["Switchboard:Twilio:AnswerBudget"] = new TwilioOptions().AnswerBudget.ToString();

    public HttpClient Operator() => WithBearer(OperatorToken);

    public HttpClient WithBearer(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    public TwilioProvider Provider(string authToken = AuthToken) => new(CreateClient(), authToken);

    /// <summary>
    /// Takes the database away under the running app: SQLite's file turns to garbage, PostgreSQL refuses connections.
    /// </summary>
    public async Task MakeDatabaseUnavailableAsync()
    {
        if (OnPostgres)
        {
            await AdminCommandAsync(
                $"ALTER DATABASE {_postgresDatabase} ALLOW_CONNECTIONS false; " +
                $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_postgresDatabase}';");
            NpgsqlConnection.ClearAllPools();
            return;
        }

        SqliteConnection.ClearAllPools();
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192));
        File.Delete(DatabasePath + "-wal");
        File.Delete(DatabasePath + "-shm");
    }

    /// <summary>
    /// Another process holds the database so that it stops answering, until the returned lock is disposed:
    /// on SQLite a write transaction (readers go on, every writer waits), on PostgreSQL an exclusive lock on
    /// the numbers and calls tables (every call's queries wait).
    /// </summary>
    public async Task<IAsyncDisposable> HoldDatabaseAsync()
    {
        DbConnection connection = OnPostgres
            ? new NpgsqlConnection($"{PostgresServer};Database={_postgresDatabase};Pooling=false")
            : new SqliteConnection($"Data Source={DatabasePath};Pooling=false");
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = OnPostgres
            ? """LOCK TABLE "Numbers", "Calls" IN ACCESS EXCLUSIVE MODE"""
            : """UPDATE "Organizations" SET "Name" = "Name" WHERE 0""";
        await command.ExecuteNonQueryAsync();
        return new HeldDatabase(connection, transaction);
    }

    /// <summary>
    /// A second app on this one's database, running beside it as another instance behind a load balancer.
    /// </summary>
    public SwitchboardApp AnotherInstance() => new(this) { _keepDatabase = true };

    /// <summary>
    /// Stops this app as a process stops (its background work ends, its database stays) and starts another on the same
    /// database.
    /// </summary>
    public async Task<SwitchboardApp> RestartAsync()
    {
        _keepDatabase = true;
        await DisposeAsync();
        return new SwitchboardApp(this);
    }

    /// <summary>PostgreSQL only: the database accepts connections again (what it refused stays refused).</summary>
    public Task MakeDatabaseAvailableAgainAsync() =>
        OnPostgres
            ? AdminCommandAsync($"ALTER DATABASE {_postgresDatabase} ALLOW_CONNECTIONS true;")
            : throw new InvalidOperationException("A SQLite file made unavailable does not come back");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (_keepDatabase)
        {
            return;
        }

        if (OnPostgres)
        {
            NpgsqlConnection.ClearAllPools();
            AdminCommandAsync($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)").GetAwaiter().GetResult();
            return;
        }

        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }

    private sealed class HeldDatabase(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// A statement on the test server's <c>postgres</c> database (creating and dropping databases). Opening waits up
    /// to a minute rather than Npgsql's 15 s: with the whole suite on 2 cores, one open once outlasted 15 s (stop 28).
    /// </summary>
    internal static async Task AdminCommandAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(
            $"{PostgresServer};Database=postgres;Pooling=false;Timeout=60");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
