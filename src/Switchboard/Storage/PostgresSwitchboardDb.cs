using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Switchboard.Storage;

public sealed class PostgresSwitchboardDb(DbContextOptions<PostgresSwitchboardDb> options) : SwitchboardDb(options);

/// <summary>
/// Lets <c>dotnet ef migrations add X --context PostgresSwitchboardDb</c> build the model without a server.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSwitchboardDb>
{
    public PostgresSwitchboardDb CreateDbContext(string[] args) =>
        new(
            new DbContextOptionsBuilder<PostgresSwitchboardDb>().UseNpgsql("Host=localhost;Database=switchboard_design")
                .Options);
}
