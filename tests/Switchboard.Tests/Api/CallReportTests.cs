using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Routing;
using Switchboard.Storage;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Call analytics over HTTP: a small day of calls driven through signed webhooks (accepted, declined three ways,
/// missed, abandoned, a fallback to a forward number, a direct forward, a rejection), then each column of the report
/// per agent, group and inbox, the range's edges, the CSV and who may read it.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallReportTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string AliceContact = "+14155550199";
    private const string BobContact = "+14155550198";
    private const string Stranger = "+14155550197";
    private const string ForwardTarget = "+14155550177";
    private const string FallbackTarget = "+14155550166";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _inbox;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        _bob = await _org.CreateAgentAsync("Bob", "+14155550112");
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await _org.TextAsync(_alice, AliceContact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        await _org.TextAsync(_bob, BobContact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// On 2026-11-24 (the clock starts at 12:00 UTC): Alice accepts after 8 s (talks 60 s) and after 4 s (talks 30 s),
    /// presses 2, stays silent, and hangs up without a key; Bob does not answer, is busy, and the caller hangs up while
    /// his phone rings; with the organization's fallback on, Bob does not answer and the fallback number takes the call
    /// (talks 45 s); a stranger is rejected; the inbox forwards a call (talks 20 s).
    /// </summary>
    private async Task PlaceTheDaysCallsAsync()
    {
        await AcceptedAsync(AliceContact, secondsToAccept: 8, talkSeconds: 60);
        await AcceptedAsync(AliceContact, secondsToAccept: 4, talkSeconds: 30);

        var pressedTwo = await _provider.CallAsync(AliceContact, GroupNumber);
        await pressedTwo.AgentPressesAsync("2");
        await pressedTwo.DialEndsAsync("completed", bridged: false);

        var silent = await _provider.CallAsync(AliceContact, GroupNumber);
        await silent.AgentPressesAsync(null);
        await silent.DialEndsAsync("completed", bridged: false);

        var hungUp = await _provider.CallAsync(AliceContact, GroupNumber);
        await hungUp.AgentAnswersAsync();
        await hungUp.DialEndsAsync("completed", bridged: false);

        await (await _provider.CallAsync(BobContact, GroupNumber)).DialEndsAsync("no-answer", bridged: false);
        await (await _provider.CallAsync(BobContact, GroupNumber)).DialEndsAsync("busy", bridged: false);
        await (await _provider.CallAsync(BobContact, GroupNumber)).DialEndsAsync(
            "canceled",
            bridged: false,
            callStatus: "completed");

        // No API sets the fallback yet on this branch: the organization's row says "forward to this number".
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SwitchboardDb>().Organizations.Where(o => o.Id == _org.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.FallbackMode, FallbackMode.Forward)
                    .SetProperty(o => o.FallbackForwardTo, FallbackTarget));
        }

        var fallback = await _provider.CallAsync(BobContact, GroupNumber);
        var toFallback = await fallback.DialEndsAsync("no-answer", bridged: false);
        Assert.Equal(FallbackTarget, toFallback.Text("Number"));
        await _provider.PostAsync(toFallback.Attribute("Dial", "action"), new()
        {
            ["CallSid"] = fallback.CallSid,
            ["AccountSid"] = "ACtest",
            ["CallStatus"] = "in-progress",
            ["DialCallStatus"] = "completed",
            ["DialBridged"] = "true",
            ["DialCallDuration"] = "45",
        });

        await _provider.CallAsync(Stranger, GroupNumber);
        await (await _provider.CallAsync(Stranger, InboxNumber)).DialEndsAsync(
            "completed",
            bridged: true,
            dialSeconds: 20);
    }

    private async Task AcceptedAsync(string contact, int secondsToAccept, int talkSeconds)
    {
        var call = await _provider.CallAsync(contact, GroupNumber);
        _app.Clock.Advance(TimeSpan.FromSeconds(secondsToAccept));
        await call.AgentPressesAsync("1");
        await call.DialEndsAsync("completed", bridged: true, dialSeconds: talkSeconds);
    }

    private Task<JsonNode> ReportAsync(string query) => _org.Admin.GetJsonAsync($"{_org.Path}/reports/calls?{query}");

    private static JsonNode RowOf(JsonNode report, string? name) =>
        report["rows"]!.AsArray().Single(r => r!.TextOrNull("name") == name)!;

    private static readonly string[] CountColumns =
    [
        "calls",
        "offered",
        "accepted",
        "declined",
        "missed",
        "abandoned",
        "forwarded",
        "forwardedAfterAgent",
        "rejected",
    ];

    private static int[] Counts(JsonNode row) => CountColumns.Select(c => row[c]!.GetValue<int>()).ToArray();

    private static double? Median(JsonNode row) => row["medianSecondsToAccept"]?.GetValue<double>();

    [Fact]
    public async Task EachAgentsRowCountsWhatHappenedToTheCallsOfferedToThem()
    {
        await PlaceTheDaysCallsAsync();

        var report = await ReportAsync("from=2026-11-24&to=2026-11-24&groupBy=agent");

        var alice = RowOf(report, "Alice");
        Assert.Equal(_alice, alice.Id());
        //                      calls offered accepted declined missed abandoned forwarded (after the agent) rejected
        Assert.Equal([5, 5, 2, 2, 1, 0, 0, 0, 0], Counts(alice));
        Assert.Equal(6.0, Median(alice));
        Assert.Equal(90, alice["talkSeconds"]!.GetValue<long>());
        Assert.Equal(45.0, alice["averageTalkSeconds"]!.GetValue<double>());

        var bob = RowOf(report, "Bob");
        Assert.Equal(_bob, bob.Id());
        Assert.Equal([4, 4, 0, 0, 3, 1, 1, 1, 0], Counts(bob));
        Assert.Null(Median(bob));
        Assert.Equal(0, bob["talkSeconds"]!.GetValue<long>());
        Assert.Null(bob["averageTalkSeconds"]);

        var noAgent = RowOf(report, null);
        Assert.Null(noAgent["id"]);
        Assert.Equal([2, 0, 0, 0, 0, 0, 1, 0, 1], Counts(noAgent));

        Assert.Equal(
            new string?[] { "Alice", "Bob", null },
            report["rows"]!.AsArray().Select(r => r!.TextOrNull("name")));
        var totals = report["totals"]!;
        Assert.Equal([11, 9, 2, 2, 4, 1, 2, 1, 1], Counts(totals));
        Assert.Equal(6.0, Median(totals));
        Assert.Equal(90, totals["talkSeconds"]!.GetValue<long>());
        Assert.Equal("agent", report.Text("groupBy"));
        Assert.Equal("2026-11-24T00:00:00Z", report.Text("from"));
        Assert.Equal("2026-11-25T00:00:00Z", report.Text("to"));
    }

    [Fact]
    public async Task GroupAndInboxRowsSplitTheSameCallsByTheNumberCalled()
    {
        await PlaceTheDaysCallsAsync();

        var byGroup = await ReportAsync("from=2026-11-24&to=2026-11-24&groupBy=group");
        var byInbox = await ReportAsync("from=2026-11-24&to=2026-11-24&groupBy=inbox");

        var team = RowOf(byGroup, "Field Team");
        Assert.Equal(_group, team.Id());
        Assert.Equal([10, 9, 2, 2, 4, 1, 1, 1, 1], Counts(team));
        Assert.Equal(6.0, Median(team));
        Assert.Equal([1, 0, 0, 0, 0, 0, 1, 0, 0], Counts(RowOf(byGroup, null)));
        var helpLine = RowOf(byInbox, "Help Line");
        Assert.Equal(_inbox, helpLine.Id());
        Assert.Equal([1, 0, 0, 0, 0, 0, 1, 0, 0], Counts(helpLine));
        Assert.Equal(0, helpLine["talkSeconds"]!.GetValue<long>());
        Assert.Equal([10, 9, 2, 2, 4, 1, 1, 1, 1], Counts(RowOf(byInbox, null)));
        Assert.Equal(Counts(byGroup["totals"]!), Counts(byInbox["totals"]!));
        Assert.Equal([11, 9, 2, 2, 4, 1, 2, 1, 1], Counts(byInbox["totals"]!));
    }

    [Fact]
    public async Task DaysAreIncludedWholeAndDateTimesEndTheRangeExclusively()
    {
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 59, 59, TimeSpan.Zero));
        await _provider.CallAsync(Stranger, GroupNumber);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await _provider.CallAsync(Stranger, GroupNumber);

        async Task<int> CallsAsync(string query) => (await ReportAsync(query))["totals"]!["calls"]!.GetValue<int>();

        Assert.Equal(1, await CallsAsync("from=2026-11-24&to=2026-11-24"));
        Assert.Equal(1, await CallsAsync("from=2026-11-25&to=2026-11-25"));
        Assert.Equal(2, await CallsAsync("from=2026-11-24&to=2026-11-25"));
        Assert.Equal(1, await CallsAsync("from=2026-11-24&to=2026-11-25T00:00:00Z"));
        Assert.Equal(2, await CallsAsync("from=2026-11-24T23:59:59Z&to=2026-11-25T00:00:01Z"));
        Assert.Equal(1, await CallsAsync("from=2026-11-25T00:00:00%2B00:00"));
        Assert.Equal(0, await CallsAsync("from=2026-11-23&to=2026-11-23"));
        Assert.Equal(2, await CallsAsync(""));
    }

    [Fact]
    public async Task WithoutARangeTheReportCoversTheLastThirtyDaysThroughToday()
    {
        var report = await ReportAsync("");

        Assert.Equal("2026-10-26T00:00:00Z", report.Text("from"));
        Assert.Equal("2026-11-25T00:00:00Z", report.Text("to"));
        Assert.Equal("agent", report.Text("groupBy"));
        Assert.Empty(report["rows"]!.AsArray());
        Assert.Equal(0, report["totals"]!["calls"]!.GetValue<int>());
    }

    [Fact]
    public async Task CsvHasAHeaderARowPerAgentAndTheTotals()
    {
        await PlaceTheDaysCallsAsync();

        var response = await _org.Admin.GetAsync(
            $"{_org.Path}/reports/calls.csv?from=2026-11-24&to=2026-11-24&groupBy=agent");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            "calls-by-agent-2026-11-24-to-2026-11-24.csv",
            response.Content.Headers.ContentDisposition?.FileNameStar
                ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(
            "id,name,calls,offered,accepted,declined,missed,abandoned,forwarded,forwarded_after_agent,rejected," +
            "median_seconds_to_accept,talk_seconds,average_talk_seconds,voicemails\r\n" +
            $"{_alice},Alice,5,5,2,2,1,0,0,0,0,6,90,45,0\r\n" +
            $"{_bob},Bob,4,4,0,0,3,1,1,1,0,,0,,0\r\n" +
            ",(no agent),2,0,0,0,0,0,1,0,1,,0,,0\r\n" +
            ",Total,11,9,2,2,4,1,2,1,1,6,90,45,0\r\n",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AcceptingTextCsvGivesTheSameFile()
    {
        await PlaceTheDaysCallsAsync();
        var path = $"{_org.Path}/reports/calls?from=2026-11-24&to=2026-11-24&groupBy=group";
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));

        var response = await _org.Admin.SendAsync(request);
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            await _org.Admin.GetStringAsync(
                $"{_org.Path}/reports/calls.csv?from=2026-11-24&to=2026-11-24&groupBy=group"),
            csv);
        Assert.Contains($"{_group},Field Team,10,9,2,2,4,1,1,1,1,6,90,45,0\r\n", csv);
    }

    [Fact]
    public async Task NamesThatASpreadsheetWouldRunAreNeutralisedAndQuotedInTheCsv()
    {
        var formula = await _org.CreateAgentAsync(
            "=HYPERLINK(\"http://evil.example\",\"x\")",
            "+14155550113",
            email: "formula@example.org");
        var plus = await _org.CreateAgentAsync("+1 Team, North", "+14155550114", email: "plus@example.org");
        await _org.TextAsync(formula, "+14155550191", GroupNumber, _app.Clock.GetUtcNow().AddMinutes(-5));
        await _org.TextAsync(plus, "+14155550192", GroupNumber, _app.Clock.GetUtcNow().AddMinutes(-5));
        await _provider.CallAsync("+14155550191", GroupNumber);
        await _provider.CallAsync("+14155550192", GroupNumber);

        var csv = await _org.Admin.GetStringAsync($"{_org.Path}/reports/calls.csv?from=2026-11-24&to=2026-11-24");

        Assert.Contains($"\r\n{formula},\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",1,1,", csv);
        Assert.Contains($"\r\n{plus},\"'+1 Team, North\",1,1,", csv);
    }

    [Fact]
    public async Task AnAgentKeyIsRefusedAndAnotherOrganizationSeesNothing()
    {
        var agent = await _org.AgentClientAsync(_alice);
        var other = await TestOrganization.CreateAsync(_app, "Other Org");

        foreach (var path in new[] { $"{_org.Path}/reports/calls", $"{_org.Path}/reports/calls.csv" })
        {
            await ProblemAsync(await agent.GetAsync(path), HttpStatusCode.Forbidden);
            await ProblemAsync(await other.Admin.GetAsync(path), HttpStatusCode.NotFound);
            Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync(path)).StatusCode);
        }
    }

    [Theory]
    [InlineData("groupBy=team", "groupBy")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=2026-11-24T25:00:00Z", "to")]
    [InlineData("from=2026-11-24&to=2026-11-23", "to")]
    [InlineData("from=2026-11-24T12:00:00Z&to=2026-11-24T12:00:00Z", "to")]
    [InlineData("from=2024-11-23&to=2026-11-24", "to")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2028-01-02T00:00:01Z", "to")]
    public async Task BadParametersAreProblemsNamingTheParameter(string query, string field)
    {
        foreach (var path in new[] { "reports/calls", "reports/calls.csv" })
        {
            Assert.Equal([field], await ErrorFieldsAsync(await _org.Admin.GetAsync($"{_org.Path}/{path}?{query}")));
        }
    }

    [Fact]
    public async Task ARangeMaySpanTwoYears()
    {
        var report = await ReportAsync("from=2024-11-25&to=2026-11-24");

        Assert.Equal("2024-11-25T00:00:00Z", report.Text("from"));
        Assert.Equal("2026-11-25T00:00:00Z", report.Text("to"));
    }

    [Fact]
    public async Task SeveralBadParametersAreNamedTogether()
    {
        var fields = await ErrorFieldsAsync(
            await _org.Admin.GetAsync($"{_org.Path}/reports/calls?from=x&to=y&groupBy=z"));

        Assert.Equal(["from", "groupBy", "to"], fields);
    }
}
