using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Switchboard.Storage;

public static class StorageSetup
{
    public const string ConnectionName = "Switchboard";
    private const string DefaultSqlite = "Data Source=switchboard.db";
    private const long MigrationLockKey = 0x5357_4252_4432; // "SWBRD2"
    private const int AutoPreparedStatements = 64;

    /// <param name="compiled">
    /// The models generated ahead of time by <c>scripts/ef-optimize.sh</c>: building the model from OnModelCreating
    /// was the largest part of a cold start. Without them (design-time tools) EF builds the model as usual.
    /// </param>
    public static IServiceCollection AddSwitchboardStorage(
        this IServiceCollection services,
        IConfiguration configuration,
        CompiledEfModels? compiled = null)
    {
        var (provider, connectionString) = ConfiguredStore(configuration);
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    $"Switchboard:Database:Provider is Postgres: set ConnectionStrings:{ConnectionName}.");
            }

            var postgres = PostgresConnectionString(connectionString);
            services.AddSingleton(new WriteGate(serialize: false));
            services.AddDbContextPool<SwitchboardDb, PostgresSwitchboardDb>((sp, o) =>
            {
                o.UseNpgsql(postgres, Collections).AddInterceptors(Interceptors(sp)).ConfigureWarnings(AtStart);
                if (compiled is not null)
                {
                    o.UseModel(compiled.Postgres());
                }
            });
        }
        else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var sqlite = SqliteConnectionString(connectionString);
            services.AddSingleton(new WriteGate(serialize: true));
            services.AddHostedService(sp => new SqliteCheckpoints(
                sqlite, sp.GetRequiredService<WriteGate>(), sp.GetRequiredService<ILogger<SqliteCheckpoints>>()));
            services.AddDbContextPool<SwitchboardDb, SqliteSwitchboardDb>((sp, o) =>
            {
                o.UseSqlite(sqlite, Collections).AddInterceptors([new SqlitePragmas(), .. Interceptors(sp)])
                    .ConfigureWarnings(AtStart);
                if (compiled is not null)
                {
                    o.UseModel(compiled.Sqlite());
                }
            });
        }
        else
        {
            throw new InvalidOperationException(
                $"Switchboard:Database:Provider '{provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        services.AddSingleton<RoutingFactsReader>();
        services.AddHttpContextAccessor();
        return services;
    }

    /// <summary>
    /// Started as soon as the settings are read, on the core that registering the services and building the app leave
    /// idle (~0.2 s): the configured store's compiled model made, and one connection opened and given back to the
    /// pool, so that the schema check after <c>Build</c> finds the driver loaded (SQLite's native library; on
    /// PostgreSQL, Npgsql's types read from the server) and a connection ready. Nothing waits for it, and what fails
    /// here (a store not reachable yet, a database not created yet) is left to the schema check, which reports it.
    /// </summary>
    public static void PrepareFirstConnection(IConfiguration configuration, CompiledEfModels? compiled) =>
        _ = Task.Run(async () =>
        {
            var (provider, connectionString) = ConfiguredStore(configuration);
            var postgres = provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase);
            if (!postgres && !provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            _ = postgres ? compiled?.Postgres() : compiled?.Sqlite();
            try
            {
                await using DbConnection connection = postgres
                    ? new NpgsqlConnection(PostgresConnectionString(connectionString))
                    : new SqliteConnection(SqliteConnectionString(connectionString));
                await connection.OpenAsync();
            }
            catch (Exception e) when (e is DbException or ArgumentException or IOException)
            {
                // The schema check opens the same store next and reports what is wrong with it.
            }
        });

    /// <summary>
    /// The configured store: <c>Switchboard:Database:Provider</c> (SQLite unless set) and its connection string.
    /// </summary>
    private static (string Provider, string? ConnectionString) ConfiguredStore(IConfiguration configuration) =>
        (configuration[$"{SwitchboardOptions.Section}:Database:Provider"] ?? "Sqlite",
            configuration.GetConnectionString(ConnectionName));

    /// <summary>SQLite's connections, pooled: one string for the app's contexts and the first connection.</summary>
    private static string SqliteConnectionString(string? configured) =>
        new SqliteConnectionStringBuilder(configured ?? DefaultSqlite) { Pooling = true }.ToString();

    /// <summary>
    /// PostgreSQL's connections, pooled: the operator's string, with two of Npgsql's settings changed from its
    /// defaults unless the string sets them itself. <c>Max Auto Prepare</c> (64; 0 turns it off): a statement a
    /// connection has run a few times is prepared on it, so PostgreSQL stops parsing and planning it at every call.
    /// <c>No Reset On Close</c> (true): a connection given back to the pool is not reset by a round of statements
    /// at its next use, since the app leaves nothing on a session (no <c>SET</c>, no temporary table; the
    /// migrations' advisory lock is let go explicitly). Together they took ~45 % off PostgreSQL's CPU in the soak
    /// (docs/performance.md).
    /// </summary>
    internal static string PostgresConnectionString(string? configured)
    {
        var postgres = new NpgsqlConnectionStringBuilder(configured);
        var operatorsKeys = new DbConnectionStringBuilder { ConnectionString = configured }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!operatorsKeys.Contains("MaxAutoPrepare"))
        {
            postgres.MaxAutoPrepare = AutoPreparedStatements;
        }

        if (!operatorsKeys.Contains("NoResetOnClose"))
        {
            postgres.NoResetOnClose = true;
        }

        return postgres.ToString();
    }

    /// <summary>
    /// The features' interceptors (e.g. the audit trail), registered as <see cref="ISaveChangesInterceptor"/>, run
    /// before the write gate: one that opens a transaction has taken the gate itself.
    /// </summary>
    private static IInterceptor[] Interceptors(IServiceProvider sp) =>
        [.. sp.GetServices<ISaveChangesInterceptor>(), sp.GetRequiredService<WriteGate>()];

    /// <summary>
    /// EF checks at each start, before migrating, that the migrations hold every change of the model: it builds the
    /// model from the code a second time and compares it with the migrations' snapshot, ~0.4 s of a 2.4 s start.
    /// CompiledModelTests checks the same at build time instead, so the start skips it.
    /// </summary>
    private static void AtStart(WarningsConfigurationBuilder warnings) =>
        warnings.Ignore(RelationalEventId.PendingModelChangesWarning);

    /// <summary>
    /// A list in a query (<c>ids.Contains(x.Id)</c>) goes as one JSON parameter: EF's default of one
    /// parameter per item made a batch of 5,000 agents spend its time binding parameters by name.
    /// </summary>
    private static void Collections<TBuilder, TExtension>(RelationalDbContextOptionsBuilder<TBuilder, TExtension> o)
        where TBuilder : RelationalDbContextOptionsBuilder<TBuilder, TExtension>
        where TExtension : RelationalOptionsExtension, new() =>
        o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);

    /// <summary>
    /// Creates or upgrades the schema. SQLite also switches to WAL so readers never wait for a writer.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        // A migration that counts or fills existing rows (CallReportCounts' back-fill) may run for minutes on a large
        // store; the 30 s a query may take at run time would stop the upgrade half way (measured: 1M calls on
        // PostgreSQL on a loaded machine). Only this scope's context waits longer.
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        if (db.Database.IsSqlite())
        {
            var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            if (!await HistoryListsEveryMigrationAsync(db, ct))
            {
                await db.Database.MigrateAsync(ct);
            }

            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            return;
        }

        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(ct))
        {
            try
            {
                await creator.CreateAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another instance created the database a moment before us.
            }
        }

        if (await HistoryListsEveryMigrationAsync(db, ct))
        {
            return;
        }

        // EF's own migration lock is taken again for each migration, so instances starting together could each
        // plan the same later migrations. A session-level advisory lock lets one instance migrate whole; the
        // others then find nothing left to apply.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            // On a new database EF Core's PostgreSQL migrator reads the history table before it creates it, and logs
            // the failed read as an error; made first, the table is there to read and a first start logs no error.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(ct);
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            // A pooled connection keeps its session locks until reused: let go of this one now.
            await db.Database.ExecuteSqlRawAsync(
                $"SELECT pg_advisory_unlock({MigrationLockKey})",
                CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Whether the migrations' history lists every migration of this build, read with two plain statements. A start
    /// with nothing to apply then skips EF's migrator, which first builds a model of its history table by conventions
    /// and plans the migrations (~0.2 s of a cold start). Another instance may be applying them meanwhile: it
    /// writes each one's history row in that migration's transaction, so a full list means a finished schema.
    /// (EF's <c>IHistoryRepository.ExistsAsync</c> is not used: on PostgreSQL it says yes on a new database.)
    /// </summary>
    private static async Task<bool> HistoryListsEveryMigrationAsync(SwitchboardDb db, CancellationToken ct)
    {
        const string history = HistoryRepository.DefaultTableName;
        var exists = db.Database.IsSqlite()
            ? $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{history}'"
            : $"SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{history}'";
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = exists;
            if (Convert.ToInt64(await command.ExecuteScalarAsync(ct)) == 0)
            {
                return false;
            }

            command.CommandText = $"SELECT \"MigrationId\" FROM \"{history}\"";
            var applied = new HashSet<string>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            return db.Database.GetMigrations().All(applied.Contains);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>The compiled EF Core model of each provider (src/Switchboard/CompiledModels), made when used.</summary>
public sealed record CompiledEfModels(Func<IModel> Sqlite, Func<IModel> Postgres);
