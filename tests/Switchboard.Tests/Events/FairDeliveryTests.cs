using System.Diagnostics;
using System.Net.Http.Json;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Events;

/// <summary>
/// Two organizations on one Switchboard, each with its own real local receiver: one hangs on every request until the
/// sender gives up, the other answers at once. The quick organization's events must not wait for the hanging one's.
/// </summary>
[Trait("Database", "yes")]
public sealed class FairDeliveryTests : IAsyncLifetime
{
    private const string HangingNumber = "+14155550100";
    private const string QuickNumber = "+14155550200";

    private readonly EventReceiver _hanging = EventReceiver.Down();
    private readonly EventReceiver _quick = EventReceiver.Down();
    private readonly SwitchboardApp _app = new();

    public async Task InitializeAsync()
    {
        await _hanging.UpAsync();
        await _quick.UpAsync();
        _hanging.Slowness = TimeSpan.FromMinutes(5);
        // The sender looks every second (the default) and waits a minute for a receiver: an event that waited for
        // the hanging receiver would arrive after that minute, so the tests need no limit in seconds, which the
        // machine's load could break.
        _app.Settings["Switchboard:CallEvents:Timeout"] = "00:01:00";
        EventReceiver.AllowIn(_app.Settings);
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _hanging.DisposeAsync();
        await _quick.DisposeAsync();
    }

    private async Task OrganizationAsync(string name, string number, EventReceiver receiver)
    {
        var org = await TestOrganization.CreateAsync(_app, name);
        await org.AddNumberAsync(number, groupId: await org.CreateGroupAsync());
        await TestOrganization.ReadAsync(
            await org.Admin.PutAsJsonAsync($"{org.Path}/call-events", new { url = receiver.Url }));
    }

    /// <summary>A stranger calls: the call is rejected and its event raised when the webhook answers.</summary>
    private async Task StrangerCallsAsync(int stranger, string number) =>
        await _app.Provider().CallAsync($"+1415555{3000 + stranger}", number);

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < within, "timed out");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task QuickOrganizationsEventsArriveWhileAnotherOrganizationsReceiverHangs()
    {
        await OrganizationAsync("Hanging Org", HangingNumber, _hanging);
        await OrganizationAsync("Quick Org", QuickNumber, _quick);
        for (var i = 0; i < 4; i++)
        {
            await StrangerCallsAsync(i, HangingNumber);
        }

        // One at a time by default: the others wait behind it, the organization's events keeping their order.
        await WaitUntilAsync(() => !_hanging.Arrived.IsEmpty, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 3; i++)
        {
            await StrangerCallsAsync(10 + i, QuickNumber);
            await WaitUntilAsync(() => _quick.Taken.Count == i + 1, TimeSpan.FromSeconds(30));
        }

        // All three arrived while the hanging receiver still held the first of its organization's events.
        Assert.Empty(_hanging.Abandoned);
        Assert.Single(_hanging.Arrived);
        Assert.Empty(_hanging.Taken);
    }

    [Fact]
    public async Task OneOrganizationHasAtMostItsLimitOfEventsOnTheirWay()
    {
        _app.Settings["Switchboard:CallEvents:MaxConcurrentPerOrganization"] = "2";
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        await OrganizationAsync("Hanging Org", HangingNumber, _hanging);
        await OrganizationAsync("Quick Org", QuickNumber, _quick);
        for (var i = 0; i < 4; i++)
        {
            await StrangerCallsAsync(i, HangingNumber);
        }

        await WaitUntilAsync(() => _hanging.Arrived.Count == 2, TimeSpan.FromSeconds(30));
        await StrangerCallsAsync(10, QuickNumber);
        await WaitUntilAsync(() => _quick.Taken.Count == 1, TimeSpan.FromSeconds(30));

        // The quick event was claimed by later passes than the first two hanging ones: had the limit not held,
        // the other two would have been sent by then.
        Assert.Equal(2, _hanging.Arrived.Count);
        Assert.Equal(2, _hanging.Arrived.Select(a => a.EventId).Distinct().Count());
    }

    [Fact]
    public async Task OrganizationsBeyondTheLimitInAllWaitForAPlace()
    {
        _app.Settings["Switchboard:CallEvents:MaxConcurrentOrganizations"] = "1";
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        _app.Settings["Switchboard:CallEvents:Timeout"] = "00:00:03";
        await OrganizationAsync("Hanging Org", HangingNumber, _hanging);
        await OrganizationAsync("Quick Org", QuickNumber, _quick);

        await StrangerCallsAsync(0, HangingNumber);
        await WaitUntilAsync(() => _hanging.Arrived.Count == 1, TimeSpan.FromSeconds(30));
        await StrangerCallsAsync(10, QuickNumber);
        await WaitUntilAsync(() => _quick.Taken.Count == 1, TimeSpan.FromSeconds(30));

        // The only place is the hanging organization's until the sender gives up on it (3 s); the server sees the
        // connection close a moment before the sender, having stored the failure, claims the quick event.
        await WaitUntilAsync(() => !_hanging.Abandoned.IsEmpty, TimeSpan.FromSeconds(30));
        var early = _hanging.Abandoned.Single() - _quick.Taken.Single().ArrivedAt;
        Assert.True(
            early < TimeSpan.FromMilliseconds(200),
            $"the quick event went {early.TotalSeconds:0.00} s before the hanging one's place was free");
    }
}
