using Microsoft.AspNetCore.DataProtection;
using Switchboard.Storage;

namespace Switchboard;

/// <summary>
/// A cold start was one thread's work, and its first call waited for all of it. What needs the database but no
/// endpoint is done on a second thread while the main thread maps the endpoints: the schema created or migrated, then
/// the Data Protection key ring read from it (which the host would otherwise read before it opens the port).
/// </summary>
public static class StartInBackground
{
    /// <summary>Awaited before the host starts: nothing serves before the schema is there.</summary>
    public static Task Begin(IServiceProvider services) => Task.Run(async () =>
    {
        await StorageSetup.MigrateAsync(services);
        _ = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(nameof(StartInBackground))
            .Protect([]);
    });
}
