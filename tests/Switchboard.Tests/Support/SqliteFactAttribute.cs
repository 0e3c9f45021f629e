namespace Switchboard.Tests.Support;

/// <summary>A test of what only SQLite has (its log, its checkpoints): skipped on PostgreSQL's pass.</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (SwitchboardApp.OnPostgres)
        {
            Skip = "SQLite's own file and log; PostgreSQL checkpoints itself";
        }
    }
}
