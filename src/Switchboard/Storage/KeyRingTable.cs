using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Switchboard.Storage;

/// <summary>
/// The Data Protection key ring in the database's <c>DataProtectionKeys</c> table, shared by every instance: the layout
/// of EF Core's key store, so rings stored before are read as they were, but read and written with plain statements.
/// Every start reads the ring before it serves, and EF's own store reads it with a LINQ query, the first of the
/// process, which sets up EF's query pipeline (~0.2 s of CPU) that nothing else needs before the first call.
/// </summary>
public sealed class KeyRingTable(IServiceScopeFactory scopes, ILogger<KeyRingTable> log) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => Run(command =>
    {
        command.CommandText = """SELECT "FriendlyName", "Xml" FROM "DataProtectionKeys" ORDER BY "Id" """;
        using var row = command.ExecuteReader();
        var keys = new List<XElement>();
        while (row.Read())
        {
            if (Parsed(row.IsDBNull(1) ? null : row.GetString(1)) is { } key)
            {
                keys.Add(key);
            }
            else
            {
                log.LogWarning("Key {Name} of the Data Protection key ring is not XML; skipped", row[0]);
            }
        }

        return keys;
    });

    public void StoreElement(XElement element, string friendlyName) => Run(command =>
    {
        command.CommandText = """INSERT INTO "DataProtectionKeys" ("FriendlyName", "Xml") VALUES (@name, @xml)""";
        command.AddParameter("@name", friendlyName);
        command.AddParameter("@xml", element.ToString(SaveOptions.DisableFormatting));
        return command.ExecuteNonQuery();
    });

    /// <summary>One statement on a connection of the app's context (its pragmas and busy timeout on SQLite).</summary>
    private T Run<T>(Func<System.Data.Common.DbCommand, T> statement)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        db.Database.OpenConnection();
        try
        {
            using var command = db.Database.GetDbConnection().CreateCommand();
            return statement(command);
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    private static XElement? Parsed(string? xml)
    {
        try
        {
            return xml is null ? null : XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}

public static class KeyRingTableSetup
{
    /// <summary>Keeps the key ring in the database (<see cref="KeyRingTable"/>).</summary>
    public static IDataProtectionBuilder PersistKeysToKeyRingTable(this IDataProtectionBuilder builder)
    {
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new KeyRingTable(
                services.GetRequiredService<IServiceScopeFactory>(),
                services.GetRequiredService<ILogger<KeyRingTable>>())));
        return builder;
    }
}
