using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Switchboard.CompiledModels.Postgres;
using Switchboard.CompiledModels.Sqlite;
using Switchboard.Storage;

namespace Switchboard.Tests.Support;

/// <summary>
/// The schema every test app starts on, made once per test process by Switchboard's own migrations and copied for
/// each app: a file copy on SQLite, <c>CREATE DATABASE … TEMPLATE</c> on PostgreSQL. Migrating a new database at the
/// start of each of the suite's apps was a large share of its time. An app started on a copy finds every migration
/// in the schema's history and goes on, as a restarted instance does; <c>StartTests</c> and the back-fill tests
/// still apply migrations at a start.
/// </summary>
internal static class TemplateDatabase
{
    private static readonly Lazy<Task<string>> Sqlite = new(() => Task.Run(MakeSqliteAsync));
    private static readonly Lazy<Task<string>> Postgres = new(() => Task.Run(MakePostgresAsync));

    /// <summary>A new SQLite file at <paramref name="path"/> holding the whole schema and no rows.</summary>
    public static void CopySqliteTo(string path) => File.Copy(Sqlite.Value.GetAwaiter().GetResult(), path);

    /// <summary>A new database on the test server holding the whole schema and no rows.</summary>
    public static void CreatePostgres(string database)
    {
        var template = Postgres.Value.GetAwaiter().GetResult();
        SwitchboardApp.AdminCommandAsync($"CREATE DATABASE {database} TEMPLATE {template}").GetAwaiter().GetResult();
    }

    private static async Task<string> MakeSqliteAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchboard-template-{Guid.NewGuid():N}.db");
        AtExit(() => File.Delete(path));
        await MigrateAsync("Sqlite", $"Data Source={path}");
        // Every page in the file itself, so that a copy of the file alone is the whole schema.
        SqliteConnection.ClearAllPools();
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
        return path;
    }

    private static async Task<string> MakePostgresAsync()
    {
        var name = $"sb_template_{Guid.NewGuid():N}";
        AtExit(() => SwitchboardApp.AdminCommandAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").Wait());
        await MigrateAsync("Postgres", $"{SwitchboardApp.PostgresServer};Database={name}");
        // A template must have no session open on it while it is copied.
        NpgsqlConnection.ClearAllPools();
        return name;
    }

    private static async Task MigrateAsync(string provider, string connectionString)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{SwitchboardOptions.Section}:Database:Provider"] = provider,
                [$"ConnectionStrings:{StorageSetup.ConnectionName}"] = connectionString,
            })
            .Build();
        var services = new ServiceCollection().AddLogging().AddSwitchboardStorage(
            configuration,
            new(() => SqliteSwitchboardDbModel.Instance, () => PostgresSwitchboardDbModel.Instance));
        await using var provided = services.BuildServiceProvider();
        await StorageSetup.MigrateAsync(provided);
    }

    /// <summary>Best effort as the test process ends: the server may be gone already, and nothing may fail.</summary>
    private static void AtExit(Action cleanUp) => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try
        {
            cleanUp();
        }
        catch (Exception)
        {
            // A file or database left behind in a temporary place.
        }
    };
}
