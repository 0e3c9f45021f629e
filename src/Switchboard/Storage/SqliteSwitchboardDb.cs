using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Switchboard.Storage;

public sealed class SqliteSwitchboardDb(DbContextOptions<SqliteSwitchboardDb> options) : SwitchboardDb(options);

/// <summary>
/// Lets <c>dotnet ef migrations add X --context SqliteSwitchboardDb</c> build the model without the app.
/// </summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSwitchboardDb>
{
    public SqliteSwitchboardDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteSwitchboardDb>().UseSqlite("Data Source=design.db").Options);
}
