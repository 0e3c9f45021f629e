using System.Net;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Storage;

/// <summary>PostgreSQL going away and coming back under a running Switchboard.</summary>
[Trait("Database", "postgres")]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _provider = _app.Provider();
        var group = await _org.CreateGroupAsync();
        var alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    [PostgresFact]
    public async Task WhenTheDatabaseComesBackTheNextCallRingsTheAgentWithoutARestart()
    {
        // Calls arriving together leave several connections kept open for routing.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _provider.CallAsync(Contact, GroupNumber)));
        await _app.MakeDatabaseUnavailableAsync();
        var during = await _provider.CallAsync(Contact, GroupNumber);

        await _app.MakeDatabaseAvailableAgainAsync();
        var after = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(HttpStatusCode.OK, during.Answer.Status);
        Assert.Equal(["Say", "Hangup"], during.Answer.Verbs);
        Assert.Equal(["Dial"], after.Answer.Verbs);
    }
}
