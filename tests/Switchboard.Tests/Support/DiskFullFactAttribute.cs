namespace Switchboard.Tests.Support;

/// <summary>
/// A test that fills a disk of its own: a small tmpfs it mounts, which needs root on Linux (as <c>./test.sh</c>
/// runs in CI). SQLite only: PostgreSQL's disk is the server's.
/// </summary>
public sealed class DiskFullFactAttribute : FactAttribute
{
    public DiskFullFactAttribute()
    {
        if (SwitchboardApp.OnPostgres)
        {
            Skip = "a full disk under SQLite's file; PostgreSQL's disk is the server's";
        }
        else if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux to mount a small tmpfs";
        }
    }
}
