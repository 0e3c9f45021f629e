using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Events;
using Switchboard.Storage;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Twilio;

/// <summary>
/// docs/routing.md, options B1–B4 one by one, through signed webhooks on the real pipeline: the fallback
/// when the agent does not take the call, the organization's, group's and inbox's own messages, rejection with a
/// message, the screening prompt's context, group members and the maximum age of a last text.
/// </summary>
[Trait("Database", "yes")]
public sealed class CallOptionsTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string GroupFallback = "+14155550133";
    private const string OrganizationFallback = "+14155550144";
    private const string GroupTarget = "+14155550177";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _inbox;
    private long _alice;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private DateTimeOffset HoursAgo(double hours) => _app.Clock.GetUtcNow().AddHours(-hours);

    private Task GroupOptionsAsync(object body) => _org.SetAsync($"/groups/{_group}/call-options", body);

    private Task OrganizationOptionsAsync(object body) => _org.SetAsync("/call-options", body);

    private async Task<TwilioProvider.Call> AliceTextedThenCallAsync(string? contactName = null)
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(2), contactName: contactName);
        return await _provider.CallAsync(Contact, GroupNumber);
    }

    private Task<TwiMLAnswer> FallbackEndsAsync(
        TwilioProvider.Call call,
        TwiMLAnswer fallbackDial,
        string dialStatus,
        bool bridged,
        int? seconds = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = call.CallSid,
            ["AccountSid"] = "ACtest",
            ["CallStatus"] = "in-progress",
            ["DialCallStatus"] = dialStatus,
            ["DialBridged"] = bridged ? "true" : "false",
        };
        if (seconds is { } s)
        {
            form["DialCallDuration"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return _provider.PostAsync(fallbackDial.Attribute("Dial", "action"), form);
    }

    // --- 1. Fallback when the last agent does not take the call ---

    [Theory]
    [InlineData("2", "completed", "agentDeclined")]
    [InlineData(null, "no-answer", "agentNoAnswer")]
    [InlineData(null, "busy", "agentBusy")]
    [InlineData(null, "failed", "agentFailed")]
    public async Task GroupFallbackForwardsACallTheAgentDidNotTakeWithoutAPrompt(
        string? digits,
        string dialStatus,
        string agentOutcome)
    {
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = "(415) 555-0133" } });
        var call = await AliceTextedThenCallAsync();
        if (digits is not null)
        {
            await call.AgentPressesAsync(digits);
        }

        var fallback = await call.DialEndsAsync(dialStatus, bridged: false);

        Assert.Equal(["Dial"], fallback.Verbs);
        Assert.Equal(GroupNumber, fallback.Attribute("Dial", "callerId"));
        Assert.Equal(GroupFallback, fallback.Text("Number"));
        Assert.Null(fallback.Find("Number")!.Attribute("url"));
        Assert.Null(fallback.Find("Dial")!.Attribute("answerOnBridge"));
        Assert.DoesNotContain(Contact, fallback.Body);

        var afterFallback = await FallbackEndsAsync(call, fallback, "completed", bridged: true, seconds: 40);
        Assert.Equal(["Hangup"], afterFallback.Verbs);

        var logged = (await _org.CallsAsync())[0]!;
        Assert.Equal(agentOutcome, logged["agentOutcome"]!.GetValue<string>());
        Assert.Equal("forwarded", logged["outcome"]!.GetValue<string>());
        Assert.Equal(GroupFallback, logged["fallback"]!["forwardTo"]!.GetValue<string>());
        Assert.Equal("completed", logged["fallback"]!["dialStatus"]!.GetValue<string>());
        Assert.Equal(40, logged["talkSeconds"]!.GetValue<int>());
        Assert.Contains("fallback forwards it to ***0133", logged["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task FallbackNumberNotAnsweringMeansTheCallerHearsTheMessage()
    {
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = GroupFallback } });
        var call = await AliceTextedThenCallAsync();
        var fallback = await call.DialEndsAsync("no-answer", bridged: false);

        var afterFallback = await FallbackEndsAsync(call, fallback, "no-answer", bridged: false);

        Assert.Equal(["Say", "Hangup"], afterFallback.Verbs);
        Assert.Contains("nobody is available", afterFallback.Text("Say"));
        var logged = (await _org.CallsAsync())[0]!;
        Assert.Equal("agentNoAnswer", logged["agentOutcome"]!.GetValue<string>());
        Assert.Equal("forwardNoAnswer", logged["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task AcceptedCallNeverReachesTheFallback()
    {
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = GroupFallback } });
        var call = await AliceTextedThenCallAsync();
        await call.AgentPressesAsync("1");

        var afterDial = await call.DialEndsAsync("completed", bridged: true, dialSeconds: 30);

        Assert.Equal(["Hangup"], afterDial.Verbs);
        Assert.Equal("connected", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task CallerHangingUpWhileTheAgentRingsIsNotForwarded()
    {
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = GroupFallback } });
        var call = await AliceTextedThenCallAsync();

        var afterDial = await call.DialEndsAsync("canceled", bridged: false, callStatus: "completed");

        Assert.DoesNotContain("Dial", afterDial.Verbs);
        Assert.Equal("callerHungUp", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task GroupFollowsTheOrganizationsFallbackByDefault()
    {
        await OrganizationOptionsAsync(new { fallback = new { mode = "forward", forwardTo = OrganizationFallback } });
        var call = await AliceTextedThenCallAsync();

        var fallback = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal(OrganizationFallback, fallback.Text("Number"));
    }

    [Fact]
    public async Task GroupsOwnMessageFallbackWinsOverTheOrganizationsForward()
    {
        await OrganizationOptionsAsync(new { fallback = new { mode = "forward", forwardTo = OrganizationFallback } });
        await GroupOptionsAsync(new { fallback = new { mode = "message" } });
        var call = await AliceTextedThenCallAsync();

        var afterDial = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
    }

    [Theory]
    [InlineData("inactive")]
    [InlineData("no phone")]
    public async Task UnavailableAgentGoesStraightToTheFallbackNumber(string why)
    {
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = GroupFallback } });
        var change = new JsonObject { [why == "inactive" ? "active" : "phone"] = why == "inactive" ? false : null };
        Assert.True(
            (await _org.Admin.PatchAsync(
                $"{_org.Path}/agents/{_alice}",
                JsonContent.Create(change))).IsSuccessStatusCode);

        var call = await AliceTextedThenCallAsync();

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal(GroupFallback, call.Answer.Text("Number"));
        Assert.Null(call.Answer.Find("Number")!.Attribute("url"));
        var logged = (await _org.CallsAsync())[0]!;
        Assert.Equal("forward", logged["decision"]!.GetValue<string>());
        Assert.Equal(why == "inactive" ? "agentInactive" : "agentHasNoPhone", logged["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task FallbackEventCarriesBothLegs()
    {
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync(
                $"{_org.Path}/call-events",
                new { url = "https://texting.example.org/hooks" }));
        await GroupOptionsAsync(new { fallback = new { mode = "forward", forwardTo = GroupFallback } });
        var call = await AliceTextedThenCallAsync();
        var fallback = await call.DialEndsAsync("busy", bridged: false);
        Assert.Empty(await EventDataAsync());

        await FallbackEndsAsync(call, fallback, "completed", bridged: true, seconds: 12);

        var data = JsonNode.Parse(Assert.Single(await EventDataAsync()))!;
        Assert.Equal("agentBusy", data["agentOutcome"]!.GetValue<string>());
        Assert.Equal("forwarded", data["outcome"]!.GetValue<string>());
        Assert.Equal("completed", data["fallback"]!["dialStatus"]!.GetValue<string>());
    }

    private async Task<List<string>> EventDataAsync()
    {
        using var scope = _app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SwitchboardDb>();
        return await db.CallEvents.AsNoTracking().Select(e => e.Data).ToListAsync();
    }

    // --- 2. Kind words instead of a carrier tone ---

    [Fact]
    public async Task OrganizationsSpokenMessageReplacesTheStockOneInItsVoiceAndLanguage()
    {
        await OrganizationOptionsAsync(
            new { unavailableMessage = new
            {
                say = "Hola, nadie puede atenderle ahora.",
                voice = "Polly.Lupe",
                language = "es-US",
            } });
        var call = await AliceTextedThenCallAsync();

        var afterDial = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal(["Say", "Hangup"], afterDial.Verbs);
        Assert.Equal("Hola, nadie puede atenderle ahora.", afterDial.Text("Say"));
        Assert.Equal("Polly.Lupe", afterDial.Attribute("Say", "voice"));
        Assert.Equal("es-US", afterDial.Attribute("Say", "language"));
    }

    [Fact]
    public async Task GroupsRecordedMessageIsPlayedToTheCallerOfAnUnavailableAgent()
    {
        await OrganizationOptionsAsync(new { unavailableMessage = new { say = "Organization words" } });
        await GroupOptionsAsync(new { unavailableMessage = new { play = "https://media.example.org/sorry.mp3" } });
        Assert.True(
            (await _org.Admin.PatchAsync(
                $"{_org.Path}/agents/{_alice}",
                JsonContent.Create(new { active = false }))).IsSuccessStatusCode);

        var call = await AliceTextedThenCallAsync();

        Assert.Equal(["Play", "Hangup"], call.Answer.Verbs);
        Assert.Equal("https://media.example.org/sorry.mp3", call.Answer.Text("Play"));
    }

    [Fact]
    public async Task ForwardTargetNotAnsweringPlaysTheInboxsOwnMessage()
    {
        await _org.SetAsync($"/inboxes/{_inbox}/inbound-calls", new { mode = "forward", forwardTo = GroupTarget });
        await _org.SetAsync(
            $"/inboxes/{_inbox}/call-options",
            new { unavailableMessage = new { say = "The help line is closed." } });
        var call = await _provider.CallAsync(Contact, InboxNumber);

        var afterDial = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal("The help line is closed.", afterDial.Text("Say"));
    }

    [Fact]
    public async Task InboxRejectingWithAMessageSaysItAndHangsUpInsteadOfASilentReject()
    {
        var silent = await _provider.CallAsync(Contact, InboxNumber);
        await _org.SetAsync(
            $"/inboxes/{_inbox}/call-options",
            new { unavailableMessage = new { say = "We only take texts here." }, rejectWithMessage = true });

        var call = await _provider.CallAsync(Contact, InboxNumber);

        Assert.Equal(["Reject"], silent.Answer.Verbs);
        Assert.Equal(["Say", "Hangup"], call.Answer.Verbs);
        Assert.Equal("We only take texts here.", call.Answer.Text("Say"));
        Assert.Equal("rejected", (await _org.CallsAsync())[0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task GroupRejectingWithAMessageUsesTheOrganizationsMessageWhenItHasNone()
    {
        await OrganizationOptionsAsync(new { unavailableMessage = new { say = "Thanks for calling Acme." } });
        await GroupOptionsAsync(new { rejectWithMessage = true });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Say", "Hangup"], call.Answer.Verbs);
        Assert.Equal("Thanks for calling Acme.", call.Answer.Text("Say"));
    }

    [Fact]
    public async Task ProviderRetryOfARejectionWithAMessageGetsTheSameAnswer()
    {
        await GroupOptionsAsync(new { rejectWithMessage = true, unavailableMessage = new { say = "Not here." } });
        var first = await _provider.CallAsync(Contact, GroupNumber);

        var retry = await _provider.CallAsync(Contact, GroupNumber, first.CallSid);

        Assert.Equal(first.Answer.Body, retry.Answer.Body);
        Assert.Single(await _org.CallsAsync());
    }

    // --- 3. Context for the agent, never the number ---

    [Fact]
    public async Task AgentHearsTheContactsNameAndHowLongAgoTheyTexted()
    {
        var call = await AliceTextedThenCallAsync(contactName: "Maria Lopez");

        var prompt = (await call.AgentAnswersAsync()).Text("Say")!;

        Assert.Contains("Maria Lopez", prompt);
        Assert.Contains("Acme Org", prompt);
        Assert.Contains("Field Team", prompt);
        Assert.Contains("You texted them 2 hours ago", prompt);
        Assert.DoesNotContain("0199", prompt);
    }

    [Fact]
    public async Task AdminsCanTurnTheContactsNameOff()
    {
        await OrganizationOptionsAsync(new { sayContactName = false });
        var call = await AliceTextedThenCallAsync(contactName: "Maria Lopez");

        var prompt = (await call.AgentAnswersAsync()).Text("Say")!;

        Assert.DoesNotContain("Maria", prompt);
        Assert.Contains("You texted them 2 hours ago", prompt);
    }

    [Fact]
    public async Task NameThatIsReallyANumberIsNeverSpoken()
    {
        var call = await AliceTextedThenCallAsync(contactName: "415-555-0199");

        var prompt = (await call.AgentAnswersAsync()).Text("Say")!;

        Assert.DoesNotContain("0199", prompt);
        Assert.Contains("a contact of Acme Org", prompt);
    }

    [Fact]
    public async Task LaterTextWithoutANameKeepsTheNameAlreadyKnown()
    {
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(30), contactName: "Maria Lopez");
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(3));
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var prompt = (await call.AgentAnswersAsync()).Text("Say")!;

        Assert.Contains("Maria Lopez", prompt);
        Assert.Contains("3 hours ago", prompt);
    }

    // --- 4. Last-agent validity ---

    [Fact]
    public async Task AgentRemovedFromAMembersOnlyGroupNoLongerGetsItsCalls()
    {
        await GroupOptionsAsync(
            new { membersOnly = true, fallback = new { mode = "forward", forwardTo = GroupFallback } });
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_alice}", null)).StatusCode);
        var asMember = await AliceTextedThenCallAsync();

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.DeleteAsync($"{_org.Path}/groups/{_group}/members/{_alice}")).StatusCode);
        var removed = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, asMember.Answer.Text("Number"));
        Assert.Equal(GroupFallback, removed.Answer.Text("Number"));
        Assert.Equal("agentNotInGroup", (await _org.CallsAsync())[0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task MembershipDoesNotMatterUntilTheGroupTakesCallsForMembersOnly()
    {
        var call = await AliceTextedThenCallAsync();

        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task LastTextOlderThanTheMaximumAgeCountsAsNone()
    {
        await OrganizationOptionsAsync(new { lastTextMaxAgeDays = 30 });
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddDays(-29));
        var recent = await _provider.CallAsync(Contact, GroupNumber);

        _app.Clock.Advance(TimeSpan.FromDays(2));
        var old = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(AlicePhone, recent.Answer.Text("Number"));
        Assert.Equal(["Reject"], old.Answer.Verbs);
        Assert.Equal("lastTextTooOld", (await _org.CallsAsync())[0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task TestACallShowsTheFallbackAndValiditySteps()
    {
        await GroupOptionsAsync(
            new { membersOnly = true, fallback = new { mode = "forward", forwardTo = GroupFallback } });
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(1));

        var response = await _org.Admin.PostAsJsonAsync(
            $"{_org.Path}/routing/explain",
            new { contact = Contact, number = GroupNumber });
        var explained = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();

        var steps = string.Join(" | ", explained!["steps"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("forward", explained["outcome"]!.GetValue<string>());
        Assert.Contains("no longer a member of the group", steps);
        Assert.Contains("fallback forwards the call to ***0133", steps);
    }
}
