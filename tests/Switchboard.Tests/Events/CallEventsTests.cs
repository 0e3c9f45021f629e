using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Events;

/// <summary>
/// Call outcomes pushed to the organization's texting platform, played by a real local receiver that is down,
/// refusing, slow and up in turn: every event arrives, once by its id, in order, signed, across a restart.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallEventsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string Stranger = "+14155550197";
    private const string AlicePhone = "+14155550111";
    private const string Secret = "receiver-shared-secret-0123456789";

    private readonly EventReceiver _receiver = EventReceiver.Down();
    private SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _alice;

    public async Task InitializeAsync()
    {
        Fast(_app);
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _group = await _org.CreateGroupAsync("Field Team");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    /// <summary>
    /// The sender looks every 50 ms and waits half a second for an answer, so that the tests go quickly.
    /// </summary>
    private static void Fast(SwitchboardApp app)
    {
        app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        app.Settings["Switchboard:CallEvents:Timeout"] = "00:00:00.500";
        EventReceiver.AllowIn(app.Settings);
    }

    private HttpClient Admin => _app.WithBearer(_org.AdminKey);

    private async Task SendEventsToTheReceiverAsync() =>
        await TestOrganization.ReadAsync(
            await Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url, secret = Secret }));

    private async Task<JsonArray> DeliveriesAsync() =>
        (await Admin.GetJsonAsync($"{_org.Path}/call-events/deliveries"))["items"]!.AsArray();

    /// <summary>Waits (on wall-clock time, at most 20 s) until every delivery satisfies the condition.</summary>
    private async Task<JsonArray> WaitForDeliveriesAsync(int count, Func<JsonNode, bool> each)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var deliveries = await DeliveriesAsync();
            if (deliveries.Count == count && deliveries.All(d => each(d!)))
            {
                return deliveries;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out; deliveries now: {deliveries.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    /// <summary>Three calls: a stranger rejected, one the agent declined (missed), one connected for 252 s.</summary>
    private async Task PlaceThreeCallsAsync()
    {
        var provider = _app.Provider();
        await provider.CallAsync(Stranger, GroupNumber);

        var declined = await provider.CallAsync(Contact, GroupNumber);
        await declined.AgentPressesAsync("2");
        await declined.DialEndsAsync("completed", bridged: false);

        var connected = await provider.CallAsync(Contact, GroupNumber);
        await connected.AgentPressesAsync("1");
        await connected.DialEndsAsync("completed", bridged: true, dialSeconds: 252);
    }

    private static int Attempts(JsonNode delivery) => delivery["attempts"]!.GetValue<int>();

    /// <summary>How a receiver checks an event, as docs/call-events.md shows it.</summary>
    private static bool SignedWith(string secret, EventReceiver.Received received)
    {
        var mac = HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes($"{received.Timestamp}.{received.Body}"));
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes("v1=" + Convert.ToHexStringLower(mac)),
            Encoding.ASCII.GetBytes(received.Signature));
    }

    [Fact]
    public async Task ReceiverThatIsDownThenSlowThenUpAfterARestartGetsEveryEventOnceInOrderAndSigned()
    {
        await SendEventsToTheReceiverAsync();
        await PlaceThreeCallsAsync();

        var down = await WaitForDeliveriesAsync(3, d => Attempts(d) >= 1);
        Assert.All(down, d => Assert.Equal("pending", d!.Text("status")));
        Assert.All(down, d => Assert.NotNull(d!.TextOrNull("lastError")));

        await _receiver.UpAsync();
        _receiver.Refusing = HttpStatusCode.ServiceUnavailable;
        _app.Clock.Advance(TimeSpan.FromHours(2));
        await WaitForDeliveriesAsync(3, d => Attempts(d) >= 2 && d["lastStatusCode"]?.GetValue<int>() == 503);

        _receiver.Refusing = null;
        _receiver.Slowness = TimeSpan.FromSeconds(2);
        _app.Clock.Advance(TimeSpan.FromHours(2));
        var slow = await WaitForDeliveriesAsync(3, d => Attempts(d) >= 3);
        Assert.All(slow, d => Assert.Equal("No answer within 0.5 s", d!.Text("lastError")));
        Assert.Empty(_receiver.Taken);

        _app = await _app.RestartAsync();
        _receiver.Slowness = null;
        _app.Clock.Advance(TimeSpan.FromHours(2));
        var delivered = await WaitForDeliveriesAsync(3, d => d!.Text("status") == "delivered");

        var taken = _receiver.Taken.ToList();
        Assert.Equal(3, taken.Count);
        Assert.Equal(delivered.Select(d => d!.Text("id")).Reverse(), taken.Select(t => t.EventId));
        Assert.All(taken, t => Assert.True(SignedWith(Secret, t), $"bad signature on {t.EventId}"));
        Assert.All(taken, t => Assert.Equal("application/json", t.ContentType?.Split(';')[0]));
        foreach (var again in _receiver.Arrived.GroupBy(a => a.EventId))
        {
            Assert.Single(again.Select(a => a.Body).Distinct());
        }

        var events = taken.Select(t => JsonNode.Parse(t.Body)!).ToList();
        Assert.Equal(["call.rejected", "call.missed", "call.completed"], events.Select(e => e.Text("type")));
        Assert.Equal(taken.Select(t => t.EventId), events.Select(e => e.Text("id")));
        Assert.Equal(["rejected", "agentDeclined", "connected"], events.Select(e => e["call"]!.Text("outcome")));
        Assert.Equal([Stranger, Contact, Contact], events.Select(e => e["call"]!.Text("contact")));
        var completed = events[2]["call"]!;
        Assert.Equal(GroupNumber, completed.Text("platformNumber"));
        Assert.Equal(_alice, completed.Id("agentId"));
        Assert.Equal(_group, completed.Id("groupId"));
        Assert.Equal(252, completed["talkSeconds"]!.GetValue<int>());
        Assert.Equal("inbound", completed.Text("direction"));
        Assert.Equal(_org.Id, events[2].Id("organizationId"));
    }

    [Fact]
    public async Task OrganizationWithoutAnEventsUrlKeepsNoEvents()
    {
        await PlaceThreeCallsAsync();

        Assert.Empty(await DeliveriesAsync());
        Assert.Equal(3, (await _org.CallsAsync()).Count);
    }

    [Fact]
    public async Task CallsDecidedAtOnceAndForwardedCallsReportTheirOutcome()
    {
        await _receiver.UpAsync();
        await SendEventsToTheReceiverAsync();
        var inbox = await _org.CreateInboxAsync("Help Line");
        await _org.AddNumberAsync("+14155550102", inboxId: inbox);
        await _org.SetAsync($"/inboxes/{inbox}/inbound-calls", new { mode = "forward", forwardTo = "+14155550177" });
        var provider = _app.Provider();

        var forwarded = await provider.CallAsync(Stranger, "+14155550102");
        await forwarded.DialEndsAsync("no-answer", bridged: false);
        await _org.Admin.SendJsonAsync(HttpMethod.Patch, $"{_org.Path}/agents/{_alice}", new { active = false });
        await provider.CallAsync(Contact, GroupNumber);

        await WaitForDeliveriesAsync(2, d => d!.Text("status") == "delivered");
        var calls = _receiver.Taken.Select(t => JsonNode.Parse(t.Body)!).ToList();
        Assert.Equal(["call.missed", "call.missed"], calls.Select(e => e.Text("type")));
        Assert.Equal(["forwardNoAnswer", "agentUnavailable"], calls.Select(e => e["call"]!.Text("outcome")));
        Assert.Equal(inbox, calls[0]["call"]!.Id("inboxId"));
        Assert.Equal("agentInactive", calls[1]["call"]!.Text("reason"));
    }

    [Fact]
    public async Task EventsTurnedOffGiveUpWhatWasWaiting()
    {
        await SendEventsToTheReceiverAsync();
        await _app.Provider().CallAsync(Stranger, GroupNumber);
        await WaitForDeliveriesAsync(1, d => Attempts(d) >= 1);

        Assert.Equal(HttpStatusCode.NoContent, (await Admin.DeleteAsync($"{_org.Path}/call-events")).StatusCode);

        var given = Assert.Single(await DeliveriesAsync())!;
        Assert.Equal("failed", given.Text("status"));
        Assert.Equal("Call events were turned off", given.Text("lastError"));
        Assert.Null((await Admin.GetJsonAsync($"{_org.Path}/call-events"))["url"]);
    }

    [Fact]
    public async Task EventIsRetriedForADayThenGivenUp()
    {
        await SendEventsToTheReceiverAsync();
        await _app.Provider().CallAsync(Stranger, GroupNumber);
        await WaitForDeliveriesAsync(1, d => Attempts(d) >= 1);

        _app.Clock.Advance(TimeSpan.FromHours(23));
        await WaitForDeliveriesAsync(1, d => Attempts(d) >= 2 && d!.Text("status") == "pending");
        _app.Clock.Advance(TimeSpan.FromHours(2));

        var failed = Assert.Single(await WaitForDeliveriesAsync(1, d => d!.Text("status") == "failed"))!;
        Assert.Equal(3, Attempts(failed));
        Assert.Null(failed["nextAttemptAt"]);
    }

    [Fact]
    public async Task SecretMadeBySwitchboardIsShownOnceThenOnlyItsLastCharacters()
    {
        var made = await TestOrganization.ReadAsync(
            await Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url }));
        var secret = made.Text("secret");
        var shown = await Admin.GetJsonAsync($"{_org.Path}/call-events");
        var moved = await TestOrganization.ReadAsync(
            await Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = "https://texting.example.org/hooks" }));

        Assert.StartsWith("sbwh_", secret);
        Assert.True(secret.Length >= 40);
        Assert.Equal(_receiver.Url, shown.Text("url"));
        Assert.Null(shown["secret"]);
        Assert.Equal("…" + secret[^4..], shown.Text("secretHint"));
        Assert.Null(moved["secret"]);
        Assert.Equal("…" + secret[^4..], moved.Text("secretHint"));
    }

    [Fact]
    public async Task SettingsRefuseBadUrlsAndShortSecretsAndAreForAdminsOnly()
    {
        var agent = await _org.AgentClientAsync(_alice);

        Assert.Equal(
            ["url"],
            await ErrorFieldsAsync(
                await Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = "ftp://example.org/x" })));
        Assert.Equal(
            ["secret"],
            await ErrorFieldsAsync(
                await Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url, secret = "short" })));
        await ProblemAsync(await agent.GetAsync($"{_org.Path}/call-events/deliveries"), HttpStatusCode.Forbidden);
        await ProblemAsync(
            await agent.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OutboundCallReportsOneOutboundCompletedEvent()
    {
        await using var twilio = await FakeTwilioApi.StartAsync();
        await using var receiver = EventReceiver.Down();
        await receiver.UpAsync();
        using var app = new SwitchboardApp();
        Fast(app);
        twilio.Configure(app);
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", AlicePhone);
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Contact, GroupNumber, app.Clock.GetUtcNow().AddHours(-1));
        await TestOrganization.ReadAsync(
            await org.Admin.PutAsJsonAsync($"{org.Path}/call-events", new { url = receiver.Url, secret = Secret }));

        var call = await TestOrganization.ReadAsync(
            await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Contact }));
        var provider = app.Provider().Outbound(twilio.Created.Single());
        var dial = await provider.PressAsync(await provider.AgentAnswersAsync(), "1");
        await provider.DialEndsAsync(dial, "completed", bridged: true, dialSeconds: 61);
        Assert.Empty(receiver.Arrived);
        await provider.AgentStatusAsync("completed", durationSeconds: 70);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Taken.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25);
        }

        var sent = JsonNode.Parse(Assert.Single(receiver.Taken).Body)!;
        Assert.Equal("call.outbound.completed", sent.Text("type"));
        Assert.Equal(call.Id(), sent["call"]!.Id("id"));
        Assert.Equal("outbound", sent["call"]!.Text("direction"));
        Assert.Equal("connected", sent["call"]!.Text("outcome"));
        Assert.Equal(61, sent["call"]!["talkSeconds"]!.GetValue<int>());
        Assert.Equal(70, sent["call"]!["durationSeconds"]!.GetValue<int>());
        Assert.Equal(Contact, sent["call"]!.Text("contact"));
    }

    /// <summary>
    /// Each pass of the sender claims other events. Their ids once went into the statement's text, so EF Core compiled
    /// a new query at every pass and kept each in its cache: CPU and memory that grew with the traffic (the soak's
    /// instances grew ~2–3 MB a minute). Now the claim is one text whatever it claims, and the later calls compile no
    /// query at all.
    /// </summary>
    [Fact]
    public async Task SendingTheEventsOfMoreCallsCompilesNoNewQuery()
    {
        using var app = new SwitchboardApp();
        Fast(app);
        app.Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
        app.Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Query"] = "Debug";
        var org = await TestOrganization.CreateAsync(app, "Busy Org");
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());
        await TestOrganization.ReadAsync(
            await org.Admin.PutAsJsonAsync($"{org.Path}/call-events", new { url = _receiver.Url, secret = Secret }));
        await _receiver.UpAsync();
        async Task StrangerCallsAsync(int stranger)
        {
            await app.Provider().CallAsync($"+1415555{3100 + stranger}", GroupNumber);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (_receiver.Taken.Count <= stranger)
            {
                Assert.True(DateTime.UtcNow < deadline, "timed out");
                await Task.Delay(25);
            }
        }

        // The sender's own statements (the only raw SQL queries): what other work of the app compiles, for the first
        // time in this process, may come at any moment.
        int Compiled() => app.Logs.Lines.Count(l =>
            l.Contains("Compiling query expression", StringComparison.Ordinal)
            && l.Contains(".FromSql(", StringComparison.Ordinal));

        await StrangerCallsAsync(0);
        var compiledAfterTheFirst = Compiled();
        for (var stranger = 1; stranger < 6; stranger++)
        {
            await StrangerCallsAsync(stranger);
        }

        var claims = app.Logs.Lines
            .Where(l => l.Contains("Executed DbCommand", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('\n', StringComparison.Ordinal)..])
            .Where(sql => sql.Contains("SELECT e.* FROM \"CallEvents\"", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(compiledAfterTheFirst, Compiled());
        Assert.True(claims.Count >= 6, $"{claims.Count} claims logged");
        Assert.Single(claims.Distinct());
    }
}
