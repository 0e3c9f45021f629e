using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// The key ring's table is read and written with plain statements, in EF Core's key store's layout: rings stored
/// before (by EF Core's store) are read, and what is stored now EF Core's store would read too.
/// </summary>
[Trait("Database", "yes")]
public sealed class KeyRingTableTests : IDisposable
{
    private readonly SwitchboardApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public void KeysStoredByEfCoresStoreAreReadAndKeysStoredNowAreReadByIt()
    {
        var table = new KeyRingTable(Scopes, Logger<KeyRingTable>());
        var efStore = new EntityFrameworkCoreXmlRepository<SwitchboardDb>(
            _app.Services, _app.Services.GetRequiredService<ILoggerFactory>());
        var before = new XElement("key", new XAttribute("id", "11111111-1111-1111-1111-111111111111"), "stored before");
        var now = new XElement("key", new XAttribute("id", "22222222-2222-2222-2222-222222222222"), "stored now");

        efStore.StoreElement(before, "key-before");
        table.StoreElement(now, "key-now");

        var read = table.GetAllElements().Select(k => k.ToString()).ToList();
        Assert.Contains(before.ToString(), read);
        Assert.Contains(now.ToString(), read);
        Assert.Contains(now.ToString(), efStore.GetAllElements().Select(k => k.ToString()));
    }

    [Fact]
    public void ARowThatIsNotXmlIsSkippedAndTheOthersAreRead()
    {
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "broken", Xml = "<key" });
            db.SaveChanges();
        }

        var table = new KeyRingTable(Scopes, Logger<KeyRingTable>());
        table.StoreElement(new XElement("key", "whole"), "whole");

        var read = table.GetAllElements().Select(k => k.ToString()).ToList();
        Assert.Contains("<key>whole</key>", read);
        Assert.Equal(Rows() - 1, read.Count);
        Assert.Contains(_app.Logs.Lines, l => l.Contains("Key broken of the Data Protection key ring is not XML"));
    }

    private int Rows()
    {
        using var scope = _app.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<SwitchboardDb>().DataProtectionKeys.Count();
    }

    private IServiceScopeFactory Scopes => _app.Services.GetRequiredService<IServiceScopeFactory>();

    private ILogger<T> Logger<T>() => _app.Services.GetRequiredService<ILogger<T>>();
}
