using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Calls;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Calls;

/// <summary>
/// Every call reaches an end: the caller's own final status ends a call that has no outcome, and the reconciler ends
/// the calls whose last webhook never came by asking the provider's Call resource (a real local server), or, when
/// the provider cannot tell, as unknown after a day. Each ended call's event is sent once.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallEndsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string FallbackTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private readonly EventReceiver _receiver = EventReceiver.Down();
    private FakeTwilioApi _api = null!;
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _alice;

    public async Task InitializeAsync()
    {
        _api = await FakeTwilioApi.StartAsync();
        _api.Configure(_app);
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        EventReceiver.AllowIn(_app.Settings);
        // The reconciler is run by the tests themselves, at the fake clock's times.
        _app.Settings["Switchboard:Calls:ReconcileInterval"] = "01:00:00";
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        await _receiver.UpAsync();
        await _org.SetAsync("/call-events", new { url = _receiver.Url, secret = "receiver-shared-secret-0123456789" });
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<JsonNode> EntryAsync(string callSid) =>
        (await _org.CallsAsync()).Single(c => c!.TextOrNull("callSid") == callSid)!;

    private async Task<int> ReconcileAsync()
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CallReconciler>().ReconcileAsync(CancellationToken.None);
    }

    /// <summary>Waits (wall-clock, at most 20 s) for this many events, then a moment more to catch a double.</summary>
    private async Task<List<JsonNode>> EventsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_receiver.Taken.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out with {_receiver.Taken.Count} event(s)");
            await Task.Delay(25);
        }

        await Task.Delay(300);
        Assert.Equal(count, _receiver.Taken.Count);
        return _receiver.Taken.Select(e => JsonNode.Parse(e.Body)!).ToList();
    }

    [Fact]
    public async Task ACallerWhoHangsUpWhileTheAgentsPhoneRingsAbandonsTheCallAndItsEventIsSentOnce()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);

        await call.CallerStatusAsync("completed", 14);
        await call.DialEndsAsync("canceled", bridged: false, callStatus: "completed");

        var entry = await EntryAsync(call.CallSid);
        Assert.Equal("callerHungUp", entry.TextOrNull("outcome"));
        Assert.Equal("callerHungUp", entry.TextOrNull("agentOutcome"));
        Assert.Equal(14, entry["durationSeconds"]!.GetValue<int>());
        var events = await EventsAsync(1);
        Assert.Equal("call.missed", events[0].Text("type"));
        Assert.Equal("callerHungUp", events[0]["call"]!.Text("outcome"));
    }

    [Fact]
    public async Task ACallerWhoHangsUpWhileTheAgentHearsThePromptAbandonsIt()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.AgentAnswersAsync();

        await call.CallerStatusAsync("completed", 20);

        Assert.Equal("callerHungUp", (await EntryAsync(call.CallSid)).TextOrNull("agentOutcome"));
        Assert.Single(await EventsAsync(1));
    }

    [Fact]
    public async Task ACallWhoseLastWebhookNeverCameIsLookedUpAtTheProviderAndEndedFromItsAnswer()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.AgentAnswersAsync();
        _api.Calls[call.CallSid] = new FakeTwilioApi.CallState("completed", 37, _app.Clock.GetUtcNow().AddMinutes(1));

        _app.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await ReconcileAsync());
        Assert.Null((await EntryAsync(call.CallSid)).TextOrNull("outcome"));

        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await ReconcileAsync());

        var entry = await EntryAsync(call.CallSid);
        Assert.Equal("callerHungUp", entry.TextOrNull("outcome"));
        Assert.Equal(37, entry["durationSeconds"]!.GetValue<int>());
        Assert.NotNull(entry["reconciledAt"]);
        Assert.Contains(
            _api.ResourceRequests,
            r => r == $"GET /2010-04-01/Accounts/{FakeTwilioApi.AccountSid}/Calls/{call.CallSid}.json " +
                $"as {FakeTwilioApi.AccountSid}");
        Assert.Equal(0, await ReconcileAsync());
        Assert.Single(await EventsAsync(1));
    }

    [Fact]
    public async Task ACallStillInProgressAtTheProviderIsLeftOpen()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        _api.Calls[call.CallSid] = new FakeTwilioApi.CallState("in-progress");
        _app.Clock.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(0, await ReconcileAsync());

        Assert.Null((await EntryAsync(call.CallSid)).TextOrNull("outcome"));
    }

    [Fact]
    public async Task ACallTheProviderDoesNotKnowOrCannotTellAboutEndsAsUnknownAfterADay()
    {
        var unknown = await _provider.CallAsync(Contact, GroupNumber);
        var failing = await _provider.CallAsync(Contact, GroupNumber);
        _app.Clock.Advance(TimeSpan.FromMinutes(11));
        _api.ResourceOutage = HttpStatusCode.InternalServerError;
        Assert.Equal(0, await ReconcileAsync());
        _api.ResourceOutage = null;
        _api.Delay = TimeSpan.FromSeconds(4);
        Assert.Equal(0, await ReconcileAsync());
        _api.Delay = null;
        Assert.Null((await EntryAsync(failing.CallSid)).TextOrNull("outcome"));

        _app.Clock.Advance(TimeSpan.FromDays(1));
        _api.ResourceOutage = HttpStatusCode.InternalServerError;
        Assert.Equal(2, await ReconcileAsync());

        Assert.Equal("unknown", (await EntryAsync(unknown.CallSid)).TextOrNull("outcome"));
        Assert.Equal("unknown", (await EntryAsync(failing.CallSid)).TextOrNull("outcome"));
        Assert.Equal(2, (await EventsAsync(2)).Count(e => e["call"]!.Text("outcome") == "unknown"));
    }

    [Fact]
    public async Task AnOutboundCallStuckWhileTheAgentsPhoneRangIsEndedFromTheProvidersAnswer()
    {
        var alice = await _org.AgentClientAsync(_alice);
        var started = await TestOrganization.ReadAsync(
            await alice.PostAsJsonAsync($"{_org.Path}/calls", new { contact = Contact }));
        var created = _api.Created.Single();
        _api.Calls[created.Sid] = new FakeTwilioApi.CallState("no-answer", 0, _app.Clock.GetUtcNow());

        _app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await ReconcileAsync());

        var entry = await _org.Admin.GetJsonAsync($"{_org.Path}/calls/{started.Id()}");
        Assert.Equal("ended", entry.TextOrNull("stage"));
        Assert.Equal("agentNoAnswer", entry.TextOrNull("outcome"));
        Assert.NotNull(entry["reconciledAt"]);
        Assert.Equal("call.outbound.completed", Assert.Single(await EventsAsync(1)).Text("type"));
    }

    [Fact]
    public async Task SilentAgentMissedTheCallAndAStraightForwardBecauseTheAgentCouldNotCountsAsAfterTheAgent()
    {
        var silent = await _provider.CallAsync(Contact, GroupNumber);
        await silent.AgentPressesAsync(null);
        await silent.DialEndsAsync("completed", bridged: false);

        await _org.SetAsync("/call-options", new { fallback = new { mode = "forward", forwardTo = FallbackTarget } });
        await _org.Admin.PatchAsJsonAsync($"{_org.Path}/agents/{_alice}", new { active = false });
        var straight = await _provider.CallAsync(Contact, GroupNumber);
        Assert.Equal(FallbackTarget, straight.Answer.Text("Number"));
        await straight.DialEndsAsync("completed", bridged: true, dialSeconds: 30);

        var report = await _org.Admin.GetJsonAsync(
            $"{_org.Path}/reports/calls?from=2026-11-24&to=2026-11-24&groupBy=group");
        var totals = report["totals"]!;
        Assert.Equal(0, totals["declined"]!.GetValue<int>());
        Assert.Equal(1, totals["missed"]!.GetValue<int>());
        Assert.Equal(1, totals["forwarded"]!.GetValue<int>());
        Assert.Equal(1, totals["forwardedAfterAgent"]!.GetValue<int>());
    }
}
