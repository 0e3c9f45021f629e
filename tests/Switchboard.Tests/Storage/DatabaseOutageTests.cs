using System.Diagnostics;
using System.Net;
using Switchboard.Tests.Support;
using Xunit.Abstractions;

namespace Switchboard.Tests.Storage;

/// <summary>
/// The database stops answering under a running Switchboard, and comes back: every signed webhook still
/// answers TwiML that ends the call politely within 2 s (the provider waits 15 s, a caller far less),
/// <c>/healthz</c> says so, and the next call after the database returns is routed without a restart.
/// </summary>
[Trait("Database", "yes")]
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;

    public async Task InitializeAsync()
    {
        // Real Kestrel, not the in-memory test server: an answer sent before the request's work has ended
        // must reach the provider as it would on the wire.
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
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
    public async Task WhileTheDatabaseDoesNotAnswerEveryWebhookEndsTheCallPolitelyWithinTwoSeconds()
    {
        var ringing = await _provider.CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], ringing.Answer.Verbs);

        TimedAnswer[] answers;
        await using (await _app.HoldDatabaseAsync())
        {
            answers = await Task.WhenAll(
                Timed("new call", () => _provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer)),
                Timed("another new call", () => _provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer)),
                Timed("a stranger's call", () => _provider.CallAsync("+14155550142", GroupNumber).ContinueWith(c => c.Result.Answer)),
                Timed("agent answers", ringing.AgentAnswersAsync),
                Timed("agent leg status", () => ringing.LegStatusAsync("ringing")),
                Timed("caller status", () => ringing.CallerStatusAsync("in-progress")),
                Timed("dial ended", () => ringing.DialEndsAsync("completed", bridged: true, dialSeconds: 20)));
        }

        Report(answers);
        Assert.All(answers, a => Assert.True(a.Elapsed < Limit, $"{a.What} took {a.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
        Assert.All(answers, a => Assert.Equal("text/xml", a.Answer.MediaType));
        Assert.All(answers.Take(3), a => Assert.Equal(["Say", "Hangup"], a.Answer.Verbs));
        Assert.Equal(["Hangup"], answers[3].Answer.Verbs);
        Assert.Empty(answers[4].Answer.Verbs);
        Assert.Empty(answers[5].Answer.Verbs);
        Assert.Equal(["Say", "Hangup"], answers[6].Answer.Verbs);
    }

    [Fact]
    public async Task HealthzIsUnhealthyWhileTheDatabaseDoesNotAnswerAndHealthyWhenItDoes()
    {
        var client = _app.CreateClient();
        var before = await client.GetAsync("/healthz");

        TimeSpan elapsed;
        HttpResponseMessage during;
        await using (await _app.HoldDatabaseAsync())
        {
            var clock = Stopwatch.StartNew();
            during = await client.GetAsync("/healthz");
            elapsed = clock.Elapsed;
        }

        var after = await client.GetAsync("/healthz");

        output.WriteLine($"/healthz answered in {elapsed.TotalMilliseconds:F0} ms while the database was held");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("Healthy", await before.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal("Unhealthy", await during.Content.ReadAsStringAsync());
        Assert.True(elapsed < Limit, $"/healthz took {elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("Healthy", await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WhenTheDatabaseAnswersAgainTheNextCallRingsTheAgentWithoutARestart()
    {
        await using (await _app.HoldDatabaseAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _provider.CallAsync(Contact, GroupNumber)));
        }

        var after = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], after.Answer.Verbs);
        Assert.Contains(await _org.CallsAsync(), c => c!["callSid"]!.GetValue<string>() == after.CallSid);
    }

    [Fact]
    public async Task ProviderRetryAfterTheOutageOfACallThatHeardTheApologyRingsTheAgentAndKeepsOneRecord()
    {
        TwilioProvider.Call during;
        await using (await _app.HoldDatabaseAsync())
        {
            during = await _provider.CallAsync(Contact, GroupNumber);
        }

        var retry = await _provider.CallAsync(Contact, GroupNumber, during.CallSid);

        Assert.Equal(["Say", "Hangup"], during.Answer.Verbs);
        Assert.Equal(["Dial"], retry.Answer.Verbs);
        Assert.Single(await _org.CallsAsync(), c => c!["callSid"]!.GetValue<string>() == during.CallSid);
    }

    [Fact]
    public async Task StatusCallbackDuringABriefStallIsAnsweredWithinTwoSecondsAndStoredWhenTheDatabaseAnswers()
    {
        var ringing = await _provider.CallAsync(Contact, GroupNumber);

        TimedAnswer status;
        await using (await _app.HoldDatabaseAsync())
        {
            status = await Timed("caller status", () => ringing.CallerStatusAsync("completed", durationSeconds: 42));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var logged = (await _org.CallsAsync()).Single()!;
        while (logged["callerStatus"] is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            logged = (await _org.CallsAsync()).Single()!;
        }

        Report([status]);
        Assert.True(status.Elapsed < Limit, $"the status callback took {status.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, status.Answer.Status);
        Assert.Empty(status.Answer.Verbs);
        Assert.Equal("completed", logged["callerStatus"]?.GetValue<string>());
        Assert.Equal(42, logged["durationSeconds"]!.GetValue<int>());
    }

    [PostgresFact]
    public async Task WhenAStoppedDatabaseComesBackTheNextCallRingsTheAgentWithoutARestart()
    {
        // Calls arriving together leave several connections kept open for routing.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _provider.CallAsync(Contact, GroupNumber)));
        var client = _app.CreateClient();
        await _app.MakeDatabaseUnavailableAsync();
        var during = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Timed($"call {i}", () => _provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer))));
        var healthDuring = await client.GetAsync("/healthz");

        await _app.MakeDatabaseAvailableAgainAsync();
        var after = await _provider.CallAsync(Contact, GroupNumber);
        var healthAfter = await client.GetAsync("/healthz");

        Report(during);
        Assert.All(during, a => Assert.True(a.Elapsed < Limit, $"{a.What} took {a.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.All(during, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
        Assert.All(during, a => Assert.Equal(["Say", "Hangup"], a.Answer.Verbs));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthDuring.StatusCode);
        Assert.Equal(["Dial"], after.Answer.Verbs);
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
    }

    private static async Task<TimedAnswer> Timed(string what, Func<Task<TwiMLAnswer>> webhook)
    {
        var clock = Stopwatch.StartNew();
        var answer = await webhook();
        return new TimedAnswer(what, answer, clock.Elapsed);
    }

    private void Report(IEnumerable<TimedAnswer> answers)
    {
        foreach (var a in answers)
        {
            output.WriteLine($"{a.What}: {a.Elapsed.TotalMilliseconds:F0} ms, {string.Join(' ', a.Answer.Verbs)}");
        }
    }

    private sealed record TimedAnswer(string What, TwiMLAnswer Answer, TimeSpan Elapsed);
}
