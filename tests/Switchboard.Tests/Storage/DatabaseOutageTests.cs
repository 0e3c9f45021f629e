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
[Collection(AloneCollection.Name)]
[Trait("Database", "yes")]
public sealed class DatabaseOutageTests(ITestOutputHelper output) : OutageTest(output)
{

    [Fact]
    public async Task WhileTheDatabaseDoesNotAnswerEveryWebhookEndsTheCallPolitelyWithinTwoSeconds()
    {
        var ringing = await Provider.CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], ringing.Answer.Verbs);

        TimedAnswer[] answers;
        await using (await App.HoldDatabaseAsync())
        {
            answers = await Task.WhenAll(
                Timed("new call", () => Provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer)),
                Timed(
                    "another new call",
                    () => Provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer)),
                Timed(
                    "a stranger's call",
                    () => Provider.CallAsync("+14155550142", GroupNumber).ContinueWith(c => c.Result.Answer)),
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
        var client = App.CreateClient();
        var before = await client.GetAsync("/healthz");

        TimeSpan elapsed;
        HttpResponseMessage during;
        await using (await App.HoldDatabaseAsync())
        {
            var clock = Stopwatch.StartNew();
            during = await client.GetAsync("/healthz");
            elapsed = clock.Elapsed;
        }

        var after = await client.GetAsync("/healthz");

        Output.WriteLine($"/healthz answered in {elapsed.TotalMilliseconds:F0} ms while the database was held");
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
        await using (await App.HoldDatabaseAsync())
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Provider.CallAsync(Contact, GroupNumber)));
        }

        var after = await Provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], after.Answer.Verbs);
        Assert.Contains(await Org.CallsAsync(), c => c!["callSid"]!.GetValue<string>() == after.CallSid);
    }

    [Fact]
    public async Task ProviderRetryAfterTheOutageOfACallThatHeardTheApologyRingsTheAgentAndKeepsOneRecord()
    {
        TwilioProvider.Call during;
        await using (await App.HoldDatabaseAsync())
        {
            during = await Provider.CallAsync(Contact, GroupNumber);
        }

        var retry = await Provider.CallAsync(Contact, GroupNumber, during.CallSid);

        Assert.Equal(["Say", "Hangup"], during.Answer.Verbs);
        Assert.Equal(["Dial"], retry.Answer.Verbs);
        Assert.Single(await Org.CallsAsync(), c => c!["callSid"]!.GetValue<string>() == during.CallSid);
    }

    [Fact]
    public async Task StatusCallbackDuringABriefStallIsAnsweredWithinTwoSecondsAndStoredWhenTheDatabaseAnswers()
    {
        var ringing = await Provider.CallAsync(Contact, GroupNumber);
        Assert.Equal(["Dial"], ringing.Answer.Verbs);

        TimedAnswer status;
        await using (await App.HoldDatabaseAsync())
        {
            status = await Timed("caller status", () => ringing.CallerStatusAsync("completed", durationSeconds: 42));
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        var logged = (await Org.CallsAsync()).Single()!;
        while (logged["callerStatus"] is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            logged = (await Org.CallsAsync()).Single()!;
        }

        Report([status]);
        // Should the status be missing, what the app said about it (a failure after the answer is a Warning).
        foreach (var line in App.Logs.Lines.Where(l => l.StartsWith("Warning Switchboard") || l.StartsWith("Error")))
        {
            Output.WriteLine(line);
        }

        Assert.True(status.Elapsed < Limit, $"the status callback took {status.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(HttpStatusCode.OK, status.Answer.Status);
        Assert.Empty(status.Answer.Verbs);
        Assert.Equal("completed", logged["callerStatus"]?.GetValue<string>());
        Assert.Equal(42, logged["durationSeconds"]!.GetValue<int>());
    }
}

/// <summary>A PostgreSQL server stopped outright (not only held), then started again.</summary>
[Collection(AloneCollection.Name)]
[Trait("Database", "postgres")]
public sealed class StoppedPostgresTests(ITestOutputHelper output) : OutageTest(output)
{
    [PostgresFact]
    public async Task WhenAStoppedDatabaseComesBackTheNextCallRingsTheAgentWithoutARestart()
    {
        // Calls arriving together leave several connections kept open for routing.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Provider.CallAsync(Contact, GroupNumber)));
        var client = App.CreateClient();
        await App.MakeDatabaseUnavailableAsync();
        var during = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Timed($"call {i}", () => Provider.CallAsync(Contact, GroupNumber).ContinueWith(c => c.Result.Answer))));
        var healthDuring = await client.GetAsync("/healthz");

        await App.MakeDatabaseAvailableAgainAsync();
        var after = await Provider.CallAsync(Contact, GroupNumber);
        var healthAfter = await client.GetAsync("/healthz");

        Report(during);
        Assert.All(during, a => Assert.True(a.Elapsed < Limit, $"{a.What} took {a.Elapsed.TotalMilliseconds:F0} ms"));
        Assert.All(during, a => Assert.Equal(HttpStatusCode.OK, a.Answer.Status));
        Assert.All(during, a => Assert.Equal(["Say", "Hangup"], a.Answer.Verbs));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthDuring.StatusCode);
        Assert.Equal(["Dial"], after.Answer.Verbs);
        Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
    }
}

/// <summary>A running Switchboard on real Kestrel with an agent who texted the contact, and timed webhooks.</summary>
public abstract class OutageTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected const string GroupNumber = "+14155550100";
    protected const string Contact = "+14155550199";
    protected static readonly TimeSpan Limit = TimeSpan.FromSeconds(2);

    protected SwitchboardApp App { get; } = new();
    protected TestOrganization Org { get; private set; } = null!;
    protected TwilioProvider Provider { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    public async Task InitializeAsync()
    {
        // Real Kestrel, not the in-memory test server: an answer sent before the request's work has ended
        // must reach the provider as it would on the wire.
        App.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        App.KeepAnswerBudget();
        App.StartServer();
        Org = await TestOrganization.CreateAsync(App);
        Provider = App.Provider();
        var group = await Org.CreateGroupAsync();
        var alice = await Org.CreateAgentAsync("Alice", "+14155550111");
        await Org.AddNumberAsync(GroupNumber, groupId: group);
        await Org.TextAsync(alice, Contact, GroupNumber, App.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }

    protected static async Task<TimedAnswer> Timed(string what, Func<Task<TwiMLAnswer>> webhook)
    {
        var clock = Stopwatch.StartNew();
        var answer = await webhook();
        return new TimedAnswer(what, answer, clock.Elapsed);
    }

    protected void Report(IEnumerable<TimedAnswer> answers)
    {
        foreach (var a in answers)
        {
            output.WriteLine($"{a.What}: {a.Elapsed.TotalMilliseconds:F0} ms, {string.Join(' ', a.Answer.Verbs)}");
        }
    }

    protected sealed record TimedAnswer(string What, TwiMLAnswer Answer, TimeSpan Elapsed);
}
