using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Twilio;

/// <summary>
/// What the provider does that a test of one webhook at a time does not: retries across a restart, and a
/// call's status callbacks arriving all at once, repeated and out of order (the sequential cases are in
/// <see cref="InboundCallTests"/>; across two instances in <c>TwoInstancesTests</c>).
/// </summary>
[Trait("Database", "yes")]
public sealed class ProviderRetryTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";

    private SwitchboardApp _app = new();
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

    [Fact]
    public async Task RetryAfterARestartGetsTheSameAnswerAndNoSecondRecord()
    {
        var first = await _provider.CallAsync(Contact, GroupNumber);

        _app = await _app.RestartAsync();
        var retry = await _app.Provider().CallAsync(Contact, GroupNumber, first.CallSid);

        Assert.Equal(["Dial"], first.Answer.Verbs);
        Assert.Equal(first.Answer.Body, retry.Answer.Body);
        Assert.Single(await CallsAsync());
    }

    [Fact]
    public async Task StatusCallbacksArrivingAllAtOnceRepeatedAndOutOfOrderLeaveOneCorrectRecord()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var callbacks = new List<Func<Task<TwiMLAnswer>>>
        {
            () => call.CallerStatusAsync("ringing"),
            () => call.LegStatusAsync("initiated"),
            () => call.LegStatusAsync("ringing"),
            () => call.CallerStatusAsync("in-progress"),
            () => call.LegStatusAsync("answered"),
            () => call.LegStatusAsync("completed", durationSeconds: 30),
            () => call.CallerStatusAsync("completed", durationSeconds: 42),
        };

        // Each sent three times, the latest first, all in flight together.
        var answers = await Task.WhenAll(
            Enumerable.Repeat(callbacks.AsEnumerable().Reverse(), 3).SelectMany(c => c).Select(send => send()));

        Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.OK, a.Status));
        var logged = (await CallsAsync()).Single()!;
        Assert.Equal("completed", logged["callerStatus"]!.GetValue<string>());
        Assert.Equal(42, logged["durationSeconds"]!.GetValue<int>());
        var statuses = logged["statuses"]!.AsArray().Select(s => $"{s!["leg"]}:{s["status"]}").Order().ToList();
        Assert.Equal(
            [
                "agent:answered",
                "agent:completed",
                "agent:initiated",
                "agent:ringing",
                "caller:completed",
                "caller:in-progress",
                "caller:ringing",
            ],
            statuses);
    }

    [Fact]
    public async Task AfterStatusCallbacksCollidedTheNextCallIsStillRoutedAndStored()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await Task.WhenAll(
            Enumerable.Range(0, 24)
                .Select(i => i % 2 == 0 ? call.CallerStatusAsync("in-progress") : call.LegStatusAsync("ringing")));

        var next = await _provider.CallAsync(Contact, GroupNumber);

        // A conflict between two changes of one call once left SQLite's write gate taken: this call could not
        // be stored, and its caller heard the apology.
        Assert.Equal(["Dial"], next.Answer.Verbs);
        Assert.Equal(2, (await CallsAsync()).Count);
    }

    private async Task<JsonArray> CallsAsync() =>
        (await TestOrganization.ReadAsync(
            await _app.WithBearer(_org.AdminKey).GetAsync($"{_org.Path}/calls")))["items"]!.AsArray();
}
