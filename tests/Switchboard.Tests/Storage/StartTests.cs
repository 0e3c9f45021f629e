using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>
/// A start on a schema without this build's last migration applies it and keeps the data; a start on a schema with
/// every migration leaves EF Core's migrator alone (its own check took a tenth of a cold start). A start answers its
/// first call before it sets up what that call does not need: EF Core's LINQ queries and the panel's pages.
/// </summary>
[Trait("Database", "yes")]
public sealed class StartTests : IDisposable
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550197";
    private const string AlicePhone = "+14155550111";
    private const string Migrator = "Microsoft.EntityFrameworkCore.Migrations:";

    private SwitchboardApp _app = new()
    {
        EmptyDatabase = true,
        Settings =
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Migrations"] = "Information",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
        },
    };

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task AStartOnASchemaWithoutTheLastMigrationAppliesItAndKeepsTheData()
    {
        await AliceTextedTheContactAsync();
        var last = await WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            await db.GetService<IMigrator>().MigrateAsync(migrations[^2]);
            Assert.DoesNotContain(migrations[^1], await db.Database.GetAppliedMigrationsAsync());
            return migrations[^1];
        });

        _app = await _app.RestartAsync();
        _ = _app.Services;

        Assert.Contains(_app.Logs.Lines, l => l.StartsWith("Information " + Migrator) && l.Contains(last));
        Assert.Contains(last, await WithDbAsync(db => db.Database.GetAppliedMigrationsAsync()));
        var call = await _app.Provider().CallAsync(Contact, GroupNumber);
        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task AStartOnASchemaWithEveryMigrationLeavesTheMigratorAlone()
    {
        _ = _app.Services;
        Assert.Contains(_app.Logs.Lines, l => l.StartsWith("Information " + Migrator));

        _app = await _app.RestartAsync();
        _ = _app.Services;

        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains(Migrator));
        Assert.Empty(await WithDbAsync(db => db.Database.GetPendingMigrationsAsync()));
    }

    [Fact]
    public async Task AStartAnswersItsFirstCallWithoutALinqQueryOrThePanelsPagesAndServesThePanelAfter()
    {
        await AliceTextedTheContactAsync();

        _app = await _app.RestartAsync();
        var call = await _app.Provider().CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
        // EF Core logs each command it runs: the start read the key ring and the call read the organizations' provider
        // accounts, both with plain statements, so neither appears (a LINQ query there costs ~0.2 s of a cold start).
        Assert.Contains(_app.Logs.Lines, l => l.Contains("Executed DbCommand", StringComparison.Ordinal));
        Assert.DoesNotContain(
            _app.Logs.Lines,
            l => l.Contains("\"DataProtectionKeys\"", StringComparison.Ordinal)
                || l.Contains("\"ProviderAccounts\"", StringComparison.Ordinal));
        Assert.DoesNotContain(
            _app.Services.GetRequiredService<EndpointDataSource>().Endpoints,
            e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null);
        var signIn = await _app.CreateClient().GetAsync("/panel/sign-in");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("<form", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var missing = await _app.CreateClient().GetAsync("/panel/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public void EveryJsonBodyTheAdminApiAcceptsIsReadWithAContractGeneratedAtBuild()
    {
        var bodies = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.GetOrderedMetadata<IAcceptsMetadata>())
            .Where(a => a.RequestType is not null)
            .Where(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.Ordinal)))
            .Select(a => a.RequestType!)
            .Distinct()
            .ToList();

        // Made by reflection, these contracts took ~0.1 s of a cold start before the first call.
        Assert.True(bodies.Count >= 20, $"{bodies.Count} JSON bodies");
        var json = _app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        Assert.All(
            bodies,
            type => Assert.IsAssignableFrom<JsonSerializerContext>(json.GetTypeInfo(type).OriginatingResolver));
    }

    /// <summary>Alice texted the contact from the group's number an hour ago: the contact's call rings her.</summary>
    private async Task AliceTextedTheContactAsync()
    {
        var org = await TestOrganization.CreateAsync(_app);
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());
        var alice = await org.CreateAgentAsync("Alice", AlicePhone);
        await org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    private async Task<T> WithDbAsync<T>(Func<SwitchboardDb, Task<T>> read)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<SwitchboardDb>());
    }
}
