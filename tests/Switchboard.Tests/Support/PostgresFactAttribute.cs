namespace Switchboard.Tests.Support;

/// <summary>
/// A test that needs a PostgreSQL server of its own. <c>./test.sh</c> starts one and runs these in its
/// PostgreSQL pass (its SQLite pass leaves them out); a bare <c>dotnet test</c> without one skips them.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_POSTGRES") is null)
        {
            Skip = "needs SWITCHBOARD_TEST_POSTGRES, a PostgreSQL server (./test.sh starts one)";
        }
    }
}
