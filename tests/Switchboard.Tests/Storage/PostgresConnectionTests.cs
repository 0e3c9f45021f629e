using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// PostgreSQL's connections prepare the statements the app runs again and again (Npgsql's automatic preparation),
/// so that PostgreSQL stops parsing and planning them at every call, unless the operator's string says otherwise.
/// </summary>
[Trait("Database", "yes")]
public sealed class PostgresConnectionTests
{
    private const string Configured = "Host=db.internal;Database=switchboard;Password=secret";

    [Theory]
    [InlineData("", 64, true)]
    [InlineData(";Max Auto Prepare=0", 0, true)]
    [InlineData(";max auto prepare=8", 8, true)]
    [InlineData(";MaxAutoPrepare=12;No Reset On Close=false", 12, false)]
    [InlineData(";NoResetOnClose=false", 64, false)]
    public void ConnectionString_PreparesAndKeepsSessions_UnlessTheOperatorSetsOtherwise(
        string operatorsOwn,
        int prepared,
        bool noReset)
    {
        var used = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString(Configured + operatorsOwn));

        Assert.Equal((prepared, noReset), (used.MaxAutoPrepare, used.NoResetOnClose));
        Assert.Equal(("db.internal", "switchboard", "secret"), (used.Host, used.Database, used.Password));
    }

    [Fact]
    public async Task AStatementRunRepeatedlyOnAConnection_IsPreparedOnThePostgreSqlServer()
    {
        if (!SwitchboardApp.OnPostgres)
        {
            return;
        }

        await using var app = new SwitchboardApp();
        var org = await TestOrganization.CreateAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        await db.Database.OpenConnectionAsync();
        for (var i = 0; i < 6; i++)
        {
            Assert.NotNull(await db.Organizations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == org.Id));
        }

        // pg_prepared_statements lists the statements prepared on this session only: the context's connection.
        var prepared = await db.Database
            .SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements")
            .ToListAsync();
        Assert.Contains(prepared, statement => statement.Contains("FROM \"Organizations\""));
    }
}
