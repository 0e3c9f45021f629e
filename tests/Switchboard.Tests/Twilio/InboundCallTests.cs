using System.Net;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Twilio;

/// <summary>
/// Routing rules R1–R4 of docs/routing.md, rule by rule, through signed webhooks on the real pipeline and a real
/// SQLite file, walking the TwiML the way the provider would.
/// </summary>
[Trait("Database", "yes")]
public sealed class InboundCallTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string OtherGroupNumber = "+14155550101";
    private const string InboxNumber = "+14155550102";
    private const string UnassignedNumber = "+14155550103";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";
    private const string ForwardTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _otherGroup;
    private long _inbox;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _otherGroup = await _org.CreateGroupAsync("Phone Bank");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(OtherGroupNumber, groupId: _otherGroup);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await _org.AddNumberAsync(UnassignedNumber);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private DateTimeOffset HoursAgo(int hours) => _app.Clock.GetUtcNow().AddHours(-hours);

    [Fact]
    public async Task CallToAnUnknownNumberIsRejected()
    {
        var call = await _provider.CallAsync(Contact, "+14155559999");

        Assert.Equal(HttpStatusCode.OK, call.Answer.Status);
        Assert.Equal("text/xml", call.Answer.MediaType);
        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task CallToAnUnassignedNumberIsRejected()
    {
        await _org.TextAsync(_alice, Contact, UnassignedNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, UnassignedNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task CallToAnInboxIsRejectedByDefault()
    {
        await _org.TextAsync(_alice, Contact, InboxNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, InboxNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task CallToAForwardingInboxRingsTheTargetShowingThePlatformNumberWithoutPrompt()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = "(415) 555-0177" });

        var call = await _provider.CallAsync(Contact, InboxNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal(InboxNumber, call.Answer.Attribute("Dial", "callerId"));
        Assert.Equal(ForwardTarget, call.Answer.Text("Number"));
        Assert.Null(call.Answer.Find("Number")!.Attribute("url"));
        Assert.DoesNotContain(Contact, call.Answer.Body);
    }

    [Fact]
    public async Task ForwardingInboxTakesCallsFromWithheldNumbersToo()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var call = await _provider.CallAsync("anonymous", InboxNumber);

        Assert.Equal(ForwardTarget, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task CallerNeverTextedFromTheGroupIsRejected()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task TextsFromAnotherGroupOrAnInboxDoNotCount()
    {
        await _org.TextAsync(_alice, Contact, OtherGroupNumber, HoursAgo(1));
        await _org.TextAsync(_alice, Contact, InboxNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task CallerNeverTextedIsRejectedEvenWhenTheGroupForwards()
    {
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task WithheldCallerToAGroupIsRejectedPolitelyNotWithAnError()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));

        var call = await _provider.CallAsync("anonymous", GroupNumber);

        Assert.Equal(HttpStatusCode.OK, call.Answer.Status);
        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task LastAgentOfTheGroupIsRungWithThePlatformNumberAsCallerId()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        var dial = call.Answer.Find("Dial")!;
        Assert.Equal(GroupNumber, dial.Attribute("callerId")?.Value);
        Assert.Equal("true", dial.Attribute("answerOnBridge")?.Value);
        Assert.StartsWith(SwitchboardApp.PublicBaseUrl + "/", dial.Attribute("action")?.Value);
        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
        Assert.StartsWith(SwitchboardApp.PublicBaseUrl + "/", call.Answer.Attribute("Number", "url"));
        Assert.DoesNotContain(Contact, call.Answer.Body);
    }

    [Fact]
    public async Task MostRecentTextByTimeWinsWhateverOrderTheEventsArrived()
    {
        await _org.TextAsync(_bob, Contact, GroupNumber, HoursAgo(1));
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(5));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(BobPhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task LaterTextByAnotherAgentTakesOverTheContact()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(5));
        await _org.TextAsync(_bob, Contact, GroupNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(BobPhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task LastAgentIsTheGroupsNotTheOrganizationsLatestTexter()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(5));
        await _org.TextAsync(_bob, Contact, OtherGroupNumber, HoursAgo(1));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task MessageKeepsTheGroupItWasSentFromAfterTheNumberMovesToAnotherGroup()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var moved = await _org.Admin.PatchAsync(
            $"{_org.Path}/numbers/%2B14155550100",
            JsonContent(new JsonObject { ["groupId"] = _otherGroup }));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Reject"], call.Answer.Verbs);
    }

    [Fact]
    public async Task GroupFollowingAnOrganizationThatForwardsForwardsToTheOrganizationsNumber()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(ForwardTarget, call.Answer.Text("Number"));
        Assert.Equal(GroupNumber, call.Answer.Attribute("Dial", "callerId"));
        Assert.Null(call.Answer.Find("Number")!.Attribute("url"));
    }

    [Fact]
    public async Task GroupsOwnForwardWinsOverTheOrganizationsLastAgent()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(ForwardTarget, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task GroupsOwnLastAgentWinsOverTheOrganizationsForward()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        await _org.SetAsync("/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "lastAgent" });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task ChangedSettingIsUsedByTheVeryNextCall()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var before = await _provider.CallAsync(Contact, GroupNumber);
        await _org.SetAsync($"/groups/{_group}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });

        var after = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, before.Answer.Text("Number"));
        Assert.Equal(ForwardTarget, after.Answer.Text("Number"));
    }

    [Theory]
    [InlineData("inactive")]
    [InlineData("deleted")]
    [InlineData("no phone")]
    public async Task UnavailableLastAgentMeansTheCallerHearsAPoliteMessage(string why)
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var agentPath = $"{_org.Path}/agents/{_alice}";
        var change = why switch
        {
            "inactive" => await _org.Admin.PatchAsync(agentPath, JsonContent(new JsonObject { ["active"] = false })),
            "deleted" => await _org.Admin.DeleteAsync(agentPath),
            _ => await _org.Admin.PatchAsync(agentPath, JsonContent(new JsonObject { ["phone"] = null })),
        };
        Assert.True(change.IsSuccessStatusCode);

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Say", "Hangup"], call.Answer.Verbs);
        Assert.Contains("nobody is available", call.Answer.Text("Say"));
        Assert.DoesNotContain(AlicePhone, call.Answer.Body);
    }

    [Fact]
    public async Task AgentHearsOrganizationAndGroupButNeverTheCallersNumber()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var prompt = await call.AgentAnswersAsync();

        var gather = prompt.Find("Gather")!;
        Assert.Equal("1", gather.Attribute("numDigits")?.Value);
        Assert.Contains("Acme Org", prompt.Text("Say"));
        Assert.Contains("Field Team", prompt.Text("Say"));
        Assert.Contains("Press 1", prompt.Text("Say"));
        Assert.DoesNotContain("0199", prompt.Body);
        Assert.DoesNotContain(Contact, prompt.Body);
    }

    [Fact]
    public async Task AgentPressingOneIsConnectedAndTheCallerHearsNoApology()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var accepted = await call.AgentPressesAsync("1");
        var afterDial = await call.DialEndsAsync("completed", bridged: true, dialSeconds: 95);

        Assert.Empty(accepted.Verbs);
        Assert.Equal(["Hangup"], afterDial.Verbs);
        var logged = (await _org.CallsAsync())[0]!;
        Assert.Equal("connected", logged["outcome"]!.GetValue<string>());
        Assert.Equal("accepted", logged["screening"]!.GetValue<string>());
        Assert.Equal(95, logged["talkSeconds"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("2")]
    [InlineData("*")]
    [InlineData(null)]
    public async Task AgentPressingAnythingElseOrNothingDeclinesAndTheCallerHearsTheMessage(string? digits)
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var declined = await call.AgentPressesAsync(digits);
        var afterDial = await call.DialEndsAsync("completed", bridged: false);

        Assert.Equal(["Hangup"], declined.Verbs);
        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
        Assert.Contains("nobody is available", afterDial.Text("Say"));
        var logged = (await _org.CallsAsync())[0]!;
        Assert.Equal(digits is null ? "agentNoInput" : "agentDeclined", logged["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task AgentHangingUpDuringThePromptIsNotTakenForAConnectedCall()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.AgentAnswersAsync();

        // A hang-up during screening reports "completed"; without DialBridged only our own record can tell.
        var afterDial = await call.DialEndsAsync("completed", bridged: null);

        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
        Assert.Equal("agentHungUp", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task VoicemailAnsweringTheAgentsPhoneNeverConnectsTheCaller()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        // Voicemail picks up and records; it never presses 1, so the Gather times out empty.
        var afterPrompt = await call.AgentPressesAsync(null);
        var afterDial = await call.DialEndsAsync("completed", bridged: null);

        Assert.Equal(["Hangup"], afterPrompt.Verbs);
        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
    }

    [Theory]
    [InlineData("no-answer", "agentNoAnswer")]
    [InlineData("busy", "agentBusy")]
    [InlineData("failed", "agentFailed")]
    public async Task AgentNotAnsweringBusyOrFailingMeansTheCallerHearsTheMessage(string dialStatus, string outcome)
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var afterDial = await call.DialEndsAsync(dialStatus, bridged: false);

        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
        Assert.Equal(outcome, (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForwardTargetAnsweringEndsTheCallWithoutAnApology()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        var call = await _provider.CallAsync(Contact, InboxNumber);

        var afterDial = await call.DialEndsAsync("completed", bridged: true, dialSeconds: 30);

        Assert.Equal(["Hangup"], afterDial.Verbs);
        Assert.Equal("forwarded", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task ForwardTargetNotAnsweringMeansTheCallerHearsTheMessage()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = ForwardTarget });
        var call = await _provider.CallAsync(Contact, InboxNumber);

        var afterDial = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
        Assert.Equal("forwardNoAnswer", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallRecordExplainsTheDecisionAndKeepsEveryStatus()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.LegStatusAsync("initiated");
        await call.LegStatusAsync("ringing");
        await call.LegStatusAsync("answered");
        await call.AgentPressesAsync("1");
        await call.LegStatusAsync("completed", durationSeconds: 100);
        await call.DialEndsAsync("completed", bridged: true, dialSeconds: 95);
        await call.CallerStatusAsync("completed", durationSeconds: 110);

        var logged = (await _org.CallsAsync())[0]!;

        Assert.Equal(call.CallSid, logged["callSid"]!.GetValue<string>());
        Assert.Equal("connectAgent", logged["decision"]!.GetValue<string>());
        Assert.Equal("lastAgentByOrganization", logged["reason"]!.GetValue<string>());
        Assert.Contains("Field Team", logged["explanation"]!.GetValue<string>());
        Assert.Equal(_alice, logged["agentId"]!.GetValue<long>());
        Assert.Equal(_group, logged["groupId"]!.GetValue<long>());
        Assert.Equal("completed", logged["callerStatus"]!.GetValue<string>());
        Assert.Equal(110, logged["durationSeconds"]!.GetValue<int>());
        var statuses = logged["statuses"]!.AsArray().Select(s => $"{s!["leg"]}:{s["status"]}").ToList();
        Assert.Equal(
            ["agent:initiated", "agent:ringing", "agent:answered", "agent:completed", "caller:completed"],
            statuses);
        Assert.DoesNotContain(Contact, logged.ToJsonString());
        Assert.DoesNotContain(AlicePhone, logged.ToJsonString());
    }

    [Fact]
    public async Task RepeatedStatusCallbacksAreRecordedOnce()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.CallerStatusAsync("completed", durationSeconds: 12);
        await call.CallerStatusAsync("in-progress");
        await call.CallerStatusAsync("completed", durationSeconds: 12);

        var logged = (await _org.CallsAsync())[0]!;

        Assert.Equal("completed", logged["callerStatus"]!.GetValue<string>());
        Assert.Equal(2, logged["statuses"]!.AsArray().Count);
    }

    [Fact]
    public async Task ProviderRetryingTheSameCallGetsTheSameAnswerAndOneRecord()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var first = await _provider.CallAsync(Contact, GroupNumber);

        var retry = await _provider.CallAsync(Contact, GroupNumber, first.CallSid);

        Assert.Equal(first.Answer.Body, retry.Answer.Body);
        Assert.Single(await _org.CallsAsync());
    }

    [Fact]
    public async Task RetriesArrivingTogetherWithOtherCallsGetOneAnswerAndLoseNoOtherCall()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));
        var first = await _provider.CallAsync(Contact, GroupNumber);

        var calls = Enumerable.Range(0, 12).Select(i => i % 3 == 0
            ? _provider.CallAsync(Contact, GroupNumber, first.CallSid)
            : _provider.CallAsync(Contact, GroupNumber, $"CAconcurrent{i:D2}"));
        var answers = await Task.WhenAll(calls);

        Assert.All(answers, a => Assert.Contains("<Dial", a.Answer.Body));
        Assert.All(answers.Where(a => a.CallSid == first.CallSid), a => Assert.Equal(first.Answer.Body, a.Answer.Body));
        Assert.Equal(9, (await _org.CallsAsync()).Count);
    }

    private static StringContent JsonContent(JsonObject body) =>
        new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
}
