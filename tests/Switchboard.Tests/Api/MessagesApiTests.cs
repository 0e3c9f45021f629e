using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// Message events over HTTP. What was stored is observed as a user would: a call from the contact rings
/// the agent who texted them only if that text was recorded.
/// </summary>
[Trait("Database", "yes")]
public sealed class MessagesApiTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";
    private const string OtherContact = "+14155550198";
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync();
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: await _org.CreateInboxAsync());
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private DateTimeOffset MinutesAgo(int minutes) => _app.Clock.GetUtcNow().AddMinutes(-minutes);

    private Task<HttpResponseMessage> PostAsync(params object[] messages) =>
        _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new { messages });

    private async Task<JsonNode> AcceptedAsync(params object[] messages)
    {
        var response = await PostAsync(messages);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await TestOrganization.ReadAsync(response);
    }

    private static void AssertCounts(JsonNode counts, int received, int accepted, int duplicates)
    {
        Assert.Equal(received, counts["received"]!.GetValue<int>());
        Assert.Equal(accepted, counts["accepted"]!.GetValue<int>());
        Assert.Equal(duplicates, counts["duplicates"]!.GetValue<int>());
    }

    /// <summary>
    /// The personal phone that a call from the contact to the group number rings, or null when it is refused.
    /// </summary>
    private async Task<string?> PhoneRungByACallFromAsync(string contact)
    {
        var answer = (await _app.Provider().CallAsync(contact, GroupNumber)).Answer;
        return answer.Verbs.SequenceEqual(["Reject"]) ? null : answer.Text("Number");
    }

    private object TextEvent(
        long agentId,
        string contact,
        int minutesAgo,
        string? id = null,
        string from = GroupNumber) =>
        new { id, agentId, contact, from, sentAt = MinutesAgo(minutesAgo) };

    [Fact]
    public async Task AcceptedBatchIsCountedAndItsTextsRouteTheContactsCalls()
    {
        var counts = await AcceptedAsync(
            TextEvent(_alice, Contact, 10, "m1"),
            TextEvent(_bob, OtherContact, 10, "m2"),
            TextEvent(_alice, "(415) 555-0197", 5));

        AssertCounts(counts, received: 3, accepted: 3, duplicates: 0);
        Assert.Equal(AlicePhone, await PhoneRungByACallFromAsync(Contact));
        Assert.Equal(BobPhone, await PhoneRungByACallFromAsync(OtherContact));
        Assert.Equal(AlicePhone, await PhoneRungByACallFromAsync("+14155550197"));
    }

    [Fact]
    public async Task RepeatedIdInTheSameBatchIsAcceptedOnce()
    {
        var counts = await AcceptedAsync(TextEvent(_alice, Contact, 10, "m1"), TextEvent(_bob, Contact, 5, "m1"));

        AssertCounts(counts, received: 2, accepted: 1, duplicates: 1);
        Assert.Equal(AlicePhone, await PhoneRungByACallFromAsync(Contact));
    }

    [Fact]
    public async Task RepeatedIdInALaterBatchIsAcceptedOnceAndChangesNothing()
    {
        await AcceptedAsync(TextEvent(_alice, Contact, 10, "m1"));

        var counts = await AcceptedAsync(TextEvent(_bob, Contact, 1, "m1"), TextEvent(_bob, OtherContact, 1, "m2"));

        AssertCounts(counts, received: 2, accepted: 1, duplicates: 1);
        Assert.Equal(AlicePhone, await PhoneRungByACallFromAsync(Contact));
        Assert.Equal(BobPhone, await PhoneRungByACallFromAsync(OtherContact));
    }

    [Fact]
    public async Task TextsWithoutIdsAreNeverDuplicates()
    {
        var counts = await AcceptedAsync(TextEvent(_alice, Contact, 10), TextEvent(_alice, Contact, 10));

        AssertCounts(counts, received: 2, accepted: 2, duplicates: 0);
    }

    [Fact]
    public async Task SameIdInAnotherOrganizationIsNotADuplicate()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.AddNumberAsync("+14155550900", groupId: await other.CreateGroupAsync());
        var trudy = await other.CreateAgentAsync("Trudy", "+14155550122");
        await other.TextAsync(trudy, Contact, "+14155550900", MinutesAgo(20), id: "m1");

        var counts = await AcceptedAsync(TextEvent(_alice, Contact, 10, "m1"));

        AssertCounts(counts, received: 1, accepted: 1, duplicates: 0);
        Assert.Equal(AlicePhone, await PhoneRungByACallFromAsync(Contact));
    }

    [Fact]
    public async Task TextFromAnInboxNumberIsAcceptedButDoesNotLetTheContactReachTheGroup()
    {
        var counts = await AcceptedAsync(TextEvent(_alice, Contact, 10, from: InboxNumber));

        AssertCounts(counts, received: 1, accepted: 1, duplicates: 0);
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Theory]
    [InlineData("contact", "not a phone")]
    [InlineData("agentId", "999999")]
    [InlineData("agentId", "another organization's agent")]
    [InlineData("agentId", null)]
    [InlineData("from", "+14155550900")]
    [InlineData("from", "+14155550150")]
    [InlineData("sentAt", null)]
    public async Task OneBadTextRefusesTheBatchNamingItAndStoresNothing(string field, string? value)
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.AddNumberAsync("+14155550900");
        var theirAgent = await other.CreateAgentAsync("Trudy", "+14155550122");
        var bad = new Dictionary<string, object?>
        {
            ["id"] = "bad",
            ["agentId"] = _bob,
            ["contact"] = OtherContact,
            ["from"] = GroupNumber,
            ["sentAt"] = MinutesAgo(5),
        };
        bad[field] = field switch
        {
            "agentId" when value == "another organization's agent" => theirAgent,
            "agentId" => value is null ? null : long.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
            _ => value,
        };

        var response = await PostAsync(
            TextEvent(_alice, Contact, 10, "good"),
            bad,
            TextEvent(_alice, "+14155550197", 10));

        Assert.Equal([$"messages[1].{field}"], await ErrorFieldsAsync(response));
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
        Assert.Null(await PhoneRungByACallFromAsync("+14155550197"));
        AssertCounts(
            await AcceptedAsync(TextEvent(_alice, Contact, 10, "good")),
            received: 1,
            accepted: 1,
            duplicates: 0);
    }

    [Fact]
    public async Task EveryBadTextOfTheBatchIsNamed()
    {
        var response = await PostAsync(
            TextEvent(_alice, "nope", 10),
            TextEvent(_alice, Contact, 10),
            new { agentId = 999_999, contact = OtherContact, from = "+14155550150", sentAt = MinutesAgo(5) });

        Assert.Equal(
            ["messages[0].contact", "messages[2].agentId", "messages[2].from"],
            await ErrorFieldsAsync(response));
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Fact]
    public async Task NullTextInTheBatchIsRefusedNamingIt()
    {
        var response = await _org.Admin.SendRawAsync(HttpMethod.Post, $"{_org.Path}/messages", $$"""
            {"messages": [{"agentId": {{_alice}}, "contact": "{{Contact}}", "from": "{{GroupNumber}}",
                           "sentAt": "2026-11-24T11:00:00Z"}, null]}
            """);

        Assert.Equal(["messages[1]"], await ErrorFieldsAsync(response));
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Theory]
    [InlineData("""{"messages": []}""")]
    [InlineData("""{}""")]
    [InlineData("""{"messages": null}""")]
    public async Task BatchWithoutTextsIsRefusedNamingMessages(string body)
    {
        var response = await _org.Admin.SendRawAsync(HttpMethod.Post, $"{_org.Path}/messages", body);

        Assert.Equal(["messages"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task SentAtThatIsNotATimeIsRefusedNamingTheField()
    {
        var response = await _org.Admin.SendRawAsync(HttpMethod.Post, $"{_org.Path}/messages", $$"""
            {"messages": [{"agentId": {{_alice}}, "contact": "{{Contact}}", "from": "{{GroupNumber}}",
                           "sentAt": "yesterday"}]}
            """);

        var fields = await ErrorFieldsAsync(response);
        Assert.Single(fields);
        Assert.Contains("sentAt", fields[0]);
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Fact]
    public async Task BatchOfMoreThanTenThousandTextsIsRefusedNamingMessagesAndStoresNothing()
    {
        var messages = Enumerable.Range(0, 10_001).Select(i => TextEvent(_alice, Contact, 10, $"m{i}")).ToArray();

        var response = await PostAsync(messages);

        Assert.Equal(["messages"], await ErrorFieldsAsync(response));
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Fact]
    public async Task BatchOfExactlyTenThousandTextsIsAccepted()
    {
        var messages = Enumerable.Range(0, 10_000)
            .Select(i => TextEvent(_alice, $"+1212555{i:D4}", 10, $"m{i}"))
            .ToArray();

        var counts = await AcceptedAsync(messages);

        AssertCounts(counts, received: 10_000, accepted: 10_000, duplicates: 0);
    }

    [Fact]
    public async Task AgentKeyCannotReportTextsAndNothingIsStored()
    {
        var agent = await _org.AgentClientAsync(_alice);

        var response = await agent.PostAsJsonAsync(
            $"{_org.Path}/messages",
            new { messages = new[] { TextEvent(_alice, Contact, 10) } });

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Null(await PhoneRungByACallFromAsync(Contact));
    }

    [Theory]
    [InlineData(6 * 60, true)]
    [InlineData(60 * 24 * 365, true)]
    [InlineData(4 * 60, false)]
    public async Task TextDatedAheadOfSwitchboardsClockBeyondTheToleranceIsRefusedNamingSentAt(
        int secondsAhead,
        bool refused)
    {
        var sentAt = _app.Clock.GetUtcNow().AddSeconds(secondsAhead);

        var response = await PostAsync(new { agentId = _alice, contact = Contact, from = GroupNumber, sentAt });

        if (refused)
        {
            Assert.Equal(["messages[0].sentAt"], await ErrorFieldsAsync(response));
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task TextDatedInTheFutureCannotPinItsAgentAsTheLastTexter()
    {
        await PostAsync(
            new
            {
                agentId = _alice,
                contact = Contact,
                from = GroupNumber,
                sentAt = _app.Clock.GetUtcNow().AddYears(5),
            });
        await AcceptedAsync(new { agentId = _bob, contact = Contact, from = GroupNumber, sentAt = MinutesAgo(1) });

        var call = await _app.Provider().CallAsync(Contact, GroupNumber);

        Assert.Equal(BobPhone, call.Answer.Find("Number")!.Value);
    }

    [Fact]
    public async Task TextDatedBefore2000IsRefusedNamingSentAt()
    {
        var response = await PostAsync(
            new { agentId = _alice, contact = Contact, from = GroupNumber, sentAt = "1999-12-31T23:59:59Z" });

        Assert.Equal(["messages[0].sentAt"], await ErrorFieldsAsync(response));
    }
}
