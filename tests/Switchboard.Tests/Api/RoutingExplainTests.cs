using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Api;

/// <summary>
/// <c>POST …/routing/explain</c>: what a call would do and why, the same decision as a real call, without one.
/// </summary>
[Trait("Database", "yes")]
public sealed class RoutingExplainTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string OtherOrganizationsNumber = "+14155550900";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string ForwardTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        var theirGroup = await other.CreateGroupAsync();
        await other.AddNumberAsync(OtherOrganizationsNumber, groupId: theirGroup);
        var theirAgent = await other.CreateAgentAsync("Zed", "+14155550911");
        await other.TextAsync(theirAgent, Contact, OtherOrganizationsNumber, _app.Clock.GetUtcNow());
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonNode> ExplainAsync(string contact, string number) =>
        await TestOrganization.ReadAsync(
            await _org.Admin.PostAsJsonAsync($"{_org.Path}/routing/explain", new { contact, number }));

    [Fact]
    public async Task LastAgentIsExplainedStepByStepWithTheSettingsOriginAndNoPersonalNumber()
    {
        var explanation = await ExplainAsync("(415) 555-0199", GroupNumber);

        Assert.Equal("connectAgent", explanation.Text("outcome"));
        Assert.Equal("lastAgentByOrganization", explanation.Text("reason"));
        Assert.Equal("organization", explanation.Text("settingFrom"));
        Assert.Equal(_alice, explanation.Id("agentId"));
        Assert.Equal("Alice", explanation.Text("agentName"));
        var steps = explanation["steps"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Contains(steps, s => s.Contains("belongs to group \"Field Team\"", StringComparison.Ordinal));
        Assert.Contains(steps, s => s.Contains("follows the organization", StringComparison.Ordinal));
        Assert.DoesNotContain("4155550199", explanation.ToJsonString());
        Assert.DoesNotContain("4155550111", explanation.ToJsonString());
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task GroupsOwnForwardIsExplainedAsTheGroupsWithTheTargetMasked()
    {
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var explanation = await ExplainAsync(Contact, GroupNumber);

        Assert.Equal("forward", explanation.Text("outcome"));
        Assert.Equal("group", explanation.Text("settingFrom"));
        Assert.Equal("***0177", explanation.Text("forwardTo"));
        Assert.DoesNotContain(ForwardTarget, explanation.ToJsonString());
    }

    [Fact]
    public async Task InboxThatRejectsAndAStrangerAreExplainedAsRejections()
    {
        var inbox = await ExplainAsync(Contact, InboxNumber);
        var stranger = await ExplainAsync("+14155550188", GroupNumber);

        Assert.Equal(
            ("reject", "inboxRejects", "inbox"),
            (inbox.Text("outcome"), inbox.Text("reason"), inbox.Text("settingFrom")));
        Assert.Equal(("reject", "neverTextedFromGroup"), (stranger.Text("outcome"), stranger.Text("reason")));
        Assert.Null(stranger.TextOrNull("settingFrom"));
    }

    [Fact]
    public async Task AnotherOrganizationsNumberIsNoNumberOfThisOne()
    {
        var explanation = await ExplainAsync(Contact, OtherOrganizationsNumber);

        Assert.Equal("numberUnknown", explanation.Text("reason"));
        Assert.DoesNotContain("Zed", explanation.ToJsonString());
    }

    [Fact]
    public async Task BadNumbersAreRefusedNamingEach()
    {
        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/routing/explain",
            new { contact = "+1 555 0100", number = "" });

        Assert.Equal(["contact", "number"], await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task AgentKeyMayNotAskForExplanations()
    {
        var agent = await _org.AgentClientAsync(_alice);

        var response = await agent.PostAsJsonAsync(
            $"{_org.Path}/routing/explain",
            new { contact = Contact, number = GroupNumber });

        await ProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ContactsNumberInAQueryStringIsNotAnswered()
    {
        var response = await _org.Admin.GetAsync(
            $"{_org.Path}/routing/explain?contact={Uri.EscapeDataString(Contact)}&" +
            $"number={Uri.EscapeDataString(GroupNumber)}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
