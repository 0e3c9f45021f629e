using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>The call log over HTTP: what each call shows, newest first, paged, masked, and per agent.</summary>
[Trait("Database", "yes")]
public sealed class CallLogTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string AliceContact = "+14155550199";
    private const string BobContact = "+14155550198";
    private const string Stranger = "+14155550197";
    private const string ForwardTarget = "+14155550177";

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
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
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

    private async Task<JsonNode> PageAsync(HttpClient client, string query = "") =>
        await client.GetJsonAsync($"{_org.Path}/calls{query}");

    private static List<string> Sids(JsonNode page) =>
        page["items"]!.AsArray().Select(c => c!.Text("callSid")).ToList();

    private async Task<List<string>> PlaceCallsAsync(int count)
    {
        var sids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            sids.Add((await _provider.CallAsync($"+1415555030{i}", GroupNumber)).CallSid);
        }

        return sids;
    }

    [Fact]
    public async Task EachCallShowsItsSidDecisionReasonAndExplanation()
    {
        var connected = await _provider.CallAsync(AliceContact, GroupNumber);
        var rejected = await _provider.CallAsync(Stranger, GroupNumber);
        var forwarded = await _provider.CallAsync(Stranger, InboxNumber);

        var items = (await PageAsync(_org.Admin))["items"]!.AsArray().ToDictionary(c => c!.Text("callSid"), c => c!);

        Assert.Equal(3, items.Count);
        Assert.Equal("connectAgent", items[connected.CallSid].Text("decision"));
        Assert.Equal("lastAgentByOrganization", items[connected.CallSid].Text("reason"));
        Assert.Equal(_alice, items[connected.CallSid]["agentId"]!.GetValue<long>());
        Assert.Equal(GroupNumber, items[connected.CallSid].Text("number"));
        Assert.Equal("reject", items[rejected.CallSid].Text("decision"));
        Assert.Equal("neverTextedFromGroup", items[rejected.CallSid].Text("reason"));
        Assert.Equal("forward", items[forwarded.CallSid].Text("decision"));
        Assert.Equal("inboxForwards", items[forwarded.CallSid].Text("reason"));
        Assert.Equal(ForwardTarget, items[forwarded.CallSid].TextOrNull("forwardTo"));
        Assert.All(items.Values, c => Assert.False(string.IsNullOrWhiteSpace(c.Text("explanation"))));
    }

    [Fact]
    public async Task CallsAreListedNewestFirst()
    {
        var sids = await PlaceCallsAsync(4);

        Assert.Equal(Enumerable.Reverse(sids), Sids(await PageAsync(_org.Admin)));
    }

    [Fact]
    public async Task CallersNumberNeverAppearsInTheLogOnlyItsLastFourDigits()
    {
        var connected = await _provider.CallAsync(AliceContact, GroupNumber);
        await connected.AgentPressesAsync("1");
        await connected.DialEndsAsync("completed", bridged: true, dialSeconds: 30);
        await connected.CallerStatusAsync("completed", 35);
        await _provider.CallAsync(Stranger, GroupNumber);
        await _provider.CallAsync(BobContact, InboxNumber);

        var seenByAdmin = await PageAsync(_org.Admin);
        var seenByAlice = await PageAsync(await _org.AgentClientAsync(_alice));

        var json = seenByAdmin.ToJsonString() + seenByAlice.ToJsonString();
        foreach (var caller in new[] { AliceContact, Stranger, BobContact })
        {
            Assert.DoesNotContain(caller[2..], json);
        }

        Assert.Equal(
            ["***0198", "***0197", "***0199"],
            seenByAdmin["items"]!.AsArray().Select(c => c!.TextOrNull("contact")));
        Assert.Equal("***0199", seenByAlice["items"]![0]!.TextOrNull("contact"));
    }

    [Fact]
    public async Task LogShowsHowTheCallWentAfterTheAgentAnswered()
    {
        var call = await _provider.CallAsync(AliceContact, GroupNumber);
        await call.AgentPressesAsync("1");
        await call.DialEndsAsync("completed", bridged: true, dialSeconds: 30);

        var entry = (await PageAsync(_org.Admin))["items"]![0]!;

        Assert.Equal("accepted", entry.TextOrNull("screening"));
        Assert.Equal("connected", entry.TextOrNull("outcome"));
        Assert.Equal(30, entry["talkSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task PagesFollowingNextBeforeListEveryCallOnceNewestFirst()
    {
        var sids = await PlaceCallsAsync(7);
        var seen = new List<string>();
        var pages = 0;
        var query = "?limit=3";

        while (true)
        {
            var page = await PageAsync(_org.Admin, query);
            pages++;
            Assert.True(Sids(page).Count <= 3);
            seen.AddRange(Sids(page));
            if (page["nextBefore"] is not { } next)
            {
                break;
            }

            query = $"?limit=3&before={next}";
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(sids), seen);
    }

    [Fact]
    public async Task LastFullPageHasNoNextBefore()
    {
        await PlaceCallsAsync(2);

        var page = await PageAsync(_org.Admin, "?limit=2");

        Assert.Equal(2, Sids(page).Count);
        Assert.Null(page["nextBefore"]);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("201")]
    [InlineData("ten")]
    public async Task LimitOutsideOneToTwoHundredIsRefusedNamingLimit(string limit)
    {
        var response = await _org.Admin.GetAsync($"{_org.Path}/calls?limit={limit}");

        Assert.Equal(["limit"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task BeforeThatIsNotACursorIsRefusedNamingBefore()
    {
        var response = await _org.Admin.GetAsync($"{_org.Path}/calls?before=yesterday");

        Assert.Equal(["before"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AgentKeySeesOnlyTheCallsOfferedToThatAgent()
    {
        var toAlice = await _provider.CallAsync(AliceContact, GroupNumber);
        var toBob = await _provider.CallAsync(BobContact, GroupNumber);
        await _provider.CallAsync(Stranger, GroupNumber);
        await _provider.CallAsync(Stranger, InboxNumber);
        var carol = await _org.CreateAgentAsync("Carol", "+14155550113");

        var alice = await PageAsync(await _org.AgentClientAsync(_alice));
        var bob = await PageAsync(await _org.AgentClientAsync(_bob));
        var nobodyCalledCarol = await PageAsync(await _org.AgentClientAsync(carol));

        Assert.Equal([toAlice.CallSid], Sids(alice));
        Assert.Equal([toBob.CallSid], Sids(bob));
        Assert.Empty(Sids(nobodyCalledCarol));
        Assert.Null(nobodyCalledCarol["nextBefore"]);
        Assert.Equal(4, Sids(await PageAsync(_org.Admin)).Count);
    }

    [Fact]
    public async Task AgentPagingStaysWithinItsOwnCalls()
    {
        var own = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            own.Add((await _provider.CallAsync(AliceContact, GroupNumber)).CallSid);
            await _provider.CallAsync(BobContact, GroupNumber);
        }

        var alice = await _org.AgentClientAsync(_alice);
        var first = await PageAsync(alice, "?limit=2");
        var second = await PageAsync(alice, $"?limit=2&before={first["nextBefore"]}");

        Assert.Equal([own[2], own[1]], Sids(first));
        Assert.Equal([own[0]], Sids(second));
        Assert.Null(second["nextBefore"]);
    }

    [Fact]
    public async Task CallsOfAnotherOrganizationAreNotInTheLog()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.AddNumberAsync("+14155550900", inboxId: await other.CreateInboxAsync());
        var theirs = await _provider.CallAsync(Stranger, "+14155550900");
        var ours = await _provider.CallAsync(Stranger, GroupNumber);

        Assert.Equal([ours.CallSid], Sids(await PageAsync(_org.Admin)));
        Assert.Equal([theirs.CallSid], Sids(await other.Admin.GetJsonAsync($"{other.Path}/calls")));
    }

    [Fact]
    public async Task EmptyLogIsAnEmptyPage()
    {
        var page = await PageAsync(_org.Admin);

        Assert.Empty(page["items"]!.AsArray());
        Assert.Null(page["nextBefore"]);
    }

    [Fact]
    public async Task LogIsFilteredByDecisionOwnerAndDay()
    {
        var rang = (await _provider.CallAsync(AliceContact, GroupNumber)).CallSid;
        var rejected = (await _provider.CallAsync(Stranger, GroupNumber)).CallSid;
        _app.Clock.Advance(TimeSpan.FromDays(1));
        var forwarded = (await _provider.CallAsync(Stranger, InboxNumber)).CallSid;

        Assert.Equal([rejected], Sids(await PageAsync(_org.Admin, "?decision=reject")));
        Assert.Equal([forwarded], Sids(await PageAsync(_org.Admin, $"?inboxId={_inbox}")));
        Assert.Equal([rejected, rang], Sids(await PageAsync(_org.Admin, $"?groupId={_group}")));
        Assert.Equal([rejected, rang], Sids(await PageAsync(_org.Admin, "?from=2026-11-24&to=2026-11-24")));
        Assert.Equal([forwarded], Sids(await PageAsync(_org.Admin, "?from=2026-11-25")));
    }

    [Theory]
    [InlineData("?from=24/11/2026", "from")]
    [InlineData("?to=yesterday", "to")]
    [InlineData("?decision=maybe", "decision")]
    [InlineData("?groupId=seven", "groupId")]
    public async Task BadFilterIsRefusedNamingIt(string query, string field)
    {
        var response = await _org.Admin.GetAsync($"{_org.Path}/calls{query}");

        Assert.Equal([field], await ErrorFieldsAsync(response));
    }
}
