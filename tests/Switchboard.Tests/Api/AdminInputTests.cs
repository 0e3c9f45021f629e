using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Api;

/// <summary>
/// Settings, numbers and message events: good input is normalized, bad input is named and changes nothing.
/// </summary>
[Trait("Database", "yes")]
public sealed class AdminInputTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync();
        _inbox = await _org.CreateInboxAsync();
        _alice = await _org.CreateAgentAsync("Alice", "+14155550111");
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<string[]> ErrorFieldsAsync(HttpResponseMessage response) =>
        (await ProblemAsync(response, HttpStatusCode.BadRequest))["errors"]!.AsObject().Select(e => e.Key).ToArray();

    private async Task<JsonNode> GetAsync(string path) =>
        await TestOrganization.ReadAsync(await _org.Admin.GetAsync(_org.Path + path));

    [Fact]
    public async Task DefaultsAreLastAgentFollowOrganizationAndReject()
    {
        Assert.Equal("lastAgent", (await GetAsync("/inbound-calls"))["mode"]!.GetValue<string>());
        var group = await GetAsync($"/groups/{_group}/inbound-calls");
        Assert.Equal("followOrganization", group["mode"]!.GetValue<string>());
        Assert.Equal("lastAgent", group["effective"]!["mode"]!.GetValue<string>());
        Assert.Equal("reject", (await GetAsync($"/inboxes/{_inbox}/inbound-calls"))["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForwardNumberInAnyWrittenFormIsStoredInE164()
    {
        var response = await _org.Admin.PutAsJsonAsync(
            $"{_org.Path}/inbound-calls",
            new { mode = "forward", forwardTo = "(415) 555-0177" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("+14155550177", (await GetAsync("/inbound-calls"))["forwardTo"]!.GetValue<string>());
        Assert.Equal(
            "+14155550177",
            (await GetAsync($"/groups/{_group}/inbound-calls"))["effective"]!["forwardTo"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("+1 555 0100")]
    [InlineData("call me maybe")]
    [InlineData(GroupNumber)]
    public async Task BadForwardNumberIsRefusedNamingForwardToAndNothingChanges(string? forwardTo)
    {
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "lastAgent" });

        var response = await _org.Admin.PutAsJsonAsync(
            $"{_org.Path}/groups/{_group}/inbound-calls",
            new { mode = "forward", forwardTo });

        Assert.Equal(["forwardTo"], await ErrorFieldsAsync(response));
        Assert.Equal("lastAgent", (await GetAsync($"/groups/{_group}/inbound-calls"))["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForwardingToAnotherOrganizationsPlatformNumberIsRefusedAsALoop()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.AddNumberAsync("+14155550900");

        var response = await _org.Admin.PutAsJsonAsync(
            $"{_org.Path}/inboxes/{_inbox}/inbound-calls",
            new { mode = "forward", forwardTo = "+1 415 555 0900" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("loop", problem["errors"]!["forwardTo"]![0]!.GetValue<string>());
        Assert.Equal("reject", (await GetAsync($"/inboxes/{_inbox}/inbound-calls"))["mode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/inbound-calls", "followOrganization")]
    [InlineData("/inbound-calls", "reject")]
    [InlineData("/inboxes/{inbox}/inbound-calls", "lastAgent")]
    [InlineData("/groups/{group}/inbound-calls", "sometimes")]
    public async Task ModeThatDoesNotExistAtThatLevelIsRefusedNamingMode(string path, string mode)
    {
        var response = await _org.Admin.PutAsJsonAsync(
            _org.Path + path.Replace("{inbox}", $"{_inbox}").Replace("{group}", $"{_group}"),
            new { mode });

        Assert.Equal(["mode"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task MalformedJsonIsABadRequestProblemNotAServerError()
    {
        var response = await _org.Admin.PutAsync(
            $"{_org.Path}/inbound-calls",
            new StringContent("{\"mode\": ", Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task WrongJsonTypeIsRefusedNamingTheField()
    {
        var response = await _org.Admin.PostAsync(
            $"{_org.Path}/numbers",
            new StringContent(
                "{\"number\": \"+14155550101\", \"groupId\": \"seven\"}",
                Encoding.UTF8,
                "application/json"));

        Assert.Equal(["groupId"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AgentWithBadPhoneOrEmailIsRefusedNamingBoth()
    {
        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/agents",
            new { name = "Bob", email = "not an email", phone = "+1 555 0100" });

        var fields = await ErrorFieldsAsync(response);
        Assert.Contains("email", fields);
        Assert.Contains("phone", fields);
        Assert.Single((await GetAsync("/agents")).AsArray());
    }

    [Fact]
    public async Task NumberIsNormalizedAndBelongsToAtMostOneOwner()
    {
        var both = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/numbers",
            new { number = "+1 415 555 0101", groupId = _group, inboxId = _inbox });
        var created = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/numbers",
            new { number = "(415) 555-0101", inboxId = _inbox });

        Assert.Equal(["inboxId"], await ErrorFieldsAsync(both));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("+14155550101", (await TestOrganization.ReadAsync(created))["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task NumberCannotBeGivenToAGroupOfAnotherOrganization()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        var theirGroup = await other.CreateGroupAsync();

        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/numbers",
            new { number = "+14155550101", groupId = theirGroup });

        Assert.Equal(["groupId"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task NumberRegisteredByAnyOrganizationCannotBeRegisteredAgain()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");

        var response = await other.Admin.PostAsJsonAsync($"{other.Path}/numbers", new { number = GroupNumber });

        await ProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task NumberIsReassignedAndDeletedByItsE164InThePath()
    {
        var moved = await _org.Admin.PatchAsJsonAsync($"{_org.Path}/numbers/%2B14155550100", new { inboxId = _inbox });
        var deleted = await _org.Admin.DeleteAsync($"{_org.Path}/numbers/%2B14155550100");

        Assert.Equal(_inbox, (await TestOrganization.ReadAsync(moved))["inboxId"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await GetAsync("/numbers")).AsArray());
    }

    [Fact]
    public async Task RepeatedMessageIdIsAcceptedOnce()
    {
        var sentAt = _app.Clock.GetUtcNow().AddHours(-1);
        var batch = new { messages = new[]
        {
            new { id = "m1", agentId = _alice, contact = "+14155550199", from = GroupNumber, sentAt },
            new { id = "m1", agentId = _alice, contact = "+14155550199", from = GroupNumber, sentAt },
            new { id = "m2", agentId = _alice, contact = "+14155550198", from = GroupNumber, sentAt },
        } };

        var first = await TestOrganization.ReadAsync(await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", batch));
        var again = await TestOrganization.ReadAsync(await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", batch));

        Assert.Equal(3, first["received"]!.GetValue<int>());
        Assert.Equal(2, first["accepted"]!.GetValue<int>());
        Assert.Equal(1, first["duplicates"]!.GetValue<int>());
        Assert.Equal(0, again["accepted"]!.GetValue<int>());
        Assert.Equal(3, again["duplicates"]!.GetValue<int>());
    }

    [Fact]
    public async Task BatchWithOneBadEventIsRefusedNamingItAndStoresNothing()
    {
        var sentAt = _app.Clock.GetUtcNow().AddHours(-1);
        var batch = new
        {
            messages = new object[]
            {
                new { agentId = _alice, contact = "+14155550199", from = GroupNumber, sentAt },
                new { agentId = _alice, contact = "no number", from = GroupNumber, sentAt },
                new { agentId = 999999, contact = "+14155550198", from = "+14155550999", sentAt },
            },
        };

        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", batch);
        var call = await _app.Provider().CallAsync("+14155550199", GroupNumber);

        var fields = await ErrorFieldsAsync(response);
        Assert.Contains("messages[1].contact", fields);
        Assert.Contains("messages[2].agentId", fields);
        Assert.Contains("messages[2].from", fields);
        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task BatchLargerThanTenThousandEventsIsRefusedNamingMessages()
    {
        var sentAt = _app.Clock.GetUtcNow();
        var messages = Enumerable.Range(0, 10_001)
            .Select(i => new { agentId = _alice, contact = "+14155550199", from = GroupNumber, sentAt });

        var response = await _org.Admin.PostAsJsonAsync($"{_org.Path}/messages", new { messages });

        Assert.Equal(["messages"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task CallLogIsNewestFirstPagedAndMasksTheCaller()
    {
        var provider = _app.Provider();
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            sids.Add((await provider.CallAsync($"+1415555020{i}", GroupNumber)).CallSid);
        }

        var first = await GetAsync("/calls?limit=2");
        var second = await GetAsync($"/calls?limit=2&before={first["nextBefore"]}");
        var badLimit = await _org.Admin.GetAsync($"{_org.Path}/calls?limit=0");

        var page1 = first["items"]!.AsArray().Select(c => c!["callSid"]!.GetValue<string>()).ToList();
        var page2 = second["items"]!.AsArray().Select(c => c!["callSid"]!.GetValue<string>()).ToList();
        Assert.Equal([sids[4], sids[3]], page1);
        Assert.Equal([sids[2], sids[1]], page2);
        Assert.Equal("***0204", first["items"]![0]!["contact"]!.GetValue<string>());
        Assert.DoesNotContain("4155550204", first.ToJsonString());
        Assert.Equal(["limit"], await ErrorFieldsAsync(badLimit));
    }
}
