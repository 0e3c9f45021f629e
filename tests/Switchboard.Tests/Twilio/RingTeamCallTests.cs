using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Calls.Voicemail;
using Switchboard.Storage;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Twilio;

/// <summary>
/// docs/routing.md B8, ring the team, through signed webhooks: who rings, together or in turn, who takes the call and
/// is credited with it, and what comes after (the fallback number or the message). Also B7's after-hours voicemail.
/// </summary>
[Trait("Database", "yes")]
public sealed class RingTeamCallTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";
    private const string CarolPhone = "+14155550113";
    private const string DanPhone = "+14155550114";
    private const string FallbackNumber = "+14155550150";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _alice;
    private long _bob;
    private long _carol;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        _carol = await _org.CreateAgentAsync("Carol", CarolPhone);
        await _org.CreateAgentAsync("Nadia", phone: null);
        await _org.CreateAgentAsync("Ivan", DanPhone, active: false);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-2));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private Task RingTeamAsync(string mode, object? fallback = null, int maxAgents = 5) =>
        _org.SetAsync(
            $"/groups/{_group}/call-options",
            new { ringTeam = new { mode, ringSeconds = 15, maxAgents }, fallback });

    private async Task<JsonNode> LastCallAsync() => (await _org.CallsAsync())[0]!;

    /// <summary>The numbers a team dial rings, and the agent ids in their screening URLs.</summary>
    private static List<(string Phone, long AgentId)> Legs(TwiMLAnswer dial) =>
    [
        .. dial.Response.Descendants("Number").Select(n => (
            n.Value,
            long.Parse(
                n.Attribute("url")!.Value.Split("/team/")[1].Split('/')[0],
                System.Globalization.CultureInfo.InvariantCulture))),
    ];

    private Task<TwiMLAnswer> TeamLegAsync(TwiMLAnswer dial, long agentId, string? digits = null) =>
        _provider.PostAsync(
            dial.Response.Descendants("Number").Single(n => n.Attribute("url")!.Value.Contains($"/team/{agentId}/"))
                .Attribute("url")!.Value,
            new() { ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"), ["CallStatus"] = "in-progress" });

    private Task<TwiMLAnswer> DialEndsAsync(TwiMLAnswer dial, string dialCallStatus, bool bridged, int? seconds = null)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"),
            ["CallStatus"] = "in-progress",
            ["DialCallStatus"] = dialCallStatus,
            ["DialBridged"] = bridged ? "true" : "false",
        };
        if (seconds is { } s)
        {
            form["DialCallDuration"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return _provider.PostAsync(dial.Attribute("Dial", "action"), form);
    }

    [Fact]
    public async Task TogetherTheOthersRingAtOnceAndTheFirstToPress1TakesTheCallAndTheCredit()
    {
        await RingTeamAsync("together");
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var prompt = await call.AgentAnswersAsync();
        await call.PressAsync(prompt, "2");

        var team = await call.DialEndsAsync("completed", bridged: false);

        Assert.Equal(["Dial"], team.Verbs);
        Assert.Equal(GroupNumber, team.Attribute("Dial", "callerId"));
        Assert.Equal("15", team.Attribute("Dial", "timeout"));
        Assert.Equal([(BobPhone, _bob), (CarolPhone, _carol)], Legs(team).OrderBy(l => l.AgentId));
        var carolsPrompt = await TeamLegAsync(team, _carol);
        Assert.Contains("You have a call from a contact of Acme Org, group Field Team.", carolsPrompt.Text("Say"));
        Assert.DoesNotContain("You texted them", carolsPrompt.Text("Say"));
        var bobsPrompt = await TeamLegAsync(team, _bob);
        Assert.Empty(
            (await _provider.PostAsync(carolsPrompt.Attribute("Gather", "action"), new() { ["Digits"] = "1" })).Verbs);
        Assert.Equal(
            ["Hangup"],
            (await _provider.PostAsync(bobsPrompt.Attribute("Gather", "action"), new() { ["Digits"] = "1" })).Verbs);
        Assert.Equal(["Hangup"], (await DialEndsAsync(team, "completed", bridged: true, seconds: 42)).Verbs);

        var logged = await LastCallAsync();
        Assert.Equal("connected", logged["outcome"]!.GetValue<string>());
        Assert.Equal("agentDeclined", logged["agentOutcome"]!.GetValue<string>());
        Assert.Equal(_carol, logged["answeredByAgentId"]!.GetValue<long>());
        Assert.Equal([_bob, _carol], logged["teamRung"]!.AsArray().Select(n => n!.GetValue<long>()).Order());
        var report = await _org.Admin.GetJsonAsync(
            $"{_org.Path}/reports/calls?from=2026-11-24&to=2026-11-24&groupBy=agent");
        var carolsRow = report["rows"]!.AsArray().Single(r => r!["id"]!.GetValue<long>() == _carol)!;
        Assert.Equal(1, carolsRow["accepted"]!.GetValue<int>());
        Assert.Equal(42, carolsRow["talkSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task CarolSeesTheCallSheTookForTheTeamInHerCallLog()
    {
        await RingTeamAsync("together");
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var team = await call.DialEndsAsync("no-answer", bridged: false);
        var prompt = await TeamLegAsync(team, _carol);
        await _provider.PostAsync(prompt.Attribute("Gather", "action"), new() { ["Digits"] = "1" });
        await DialEndsAsync(team, "completed", bridged: true, seconds: 5);

        var carol = await _org.AgentClientAsync(_carol);
        var bob = await _org.AgentClientAsync(_bob);

        Assert.Single((await carol.GetJsonAsync($"{_org.Path}/calls"))["items"]!.AsArray());
        Assert.Empty((await bob.GetJsonAsync($"{_org.Path}/calls"))["items"]!.AsArray());
    }

    [Fact]
    public async Task InTurnTheOthersRingOneAfterAnotherThenTheFallbackNumber()
    {
        await RingTeamAsync("inTurn", fallback: new { mode = "forward", forwardTo = FallbackNumber });
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var first = await call.DialEndsAsync("no-answer", bridged: false);
        var firstLeg = Assert.Single(Legs(first));
        var declined = await TeamLegAsync(first, firstLeg.AgentId);
        Assert.Equal(
            ["Hangup"],
            (await _provider.PostAsync(declined.Attribute("Gather", "action"), new() { ["Digits"] = "9" })).Verbs);
        var second = await DialEndsAsync(first, "completed", bridged: false);
        var secondLeg = Assert.Single(Legs(second));
        var fallback = await DialEndsAsync(second, "no-answer", bridged: false);

        Assert.Equal([_bob, _carol], new[] { firstLeg.AgentId, secondLeg.AgentId }.Order());
        Assert.Equal(FallbackNumber, fallback.Text("Number"));
        Assert.Contains("/fallback-ended", fallback.Attribute("Dial", "action"));
        var logged = await LastCallAsync();
        Assert.Equal(
            [firstLeg.AgentId, secondLeg.AgentId],
            logged["teamRung"]!.AsArray().Select(n => n!.GetValue<long>()));
        Assert.Null(logged["answeredByAgentId"]);
    }

    [Fact]
    public async Task NobodyOfTheTeamTakesItAndTheCallerHearsTheMessageAndTheMissedCallEvent()
    {
        await RingTeamAsync("inTurn", maxAgents: 1);
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var team = await call.DialEndsAsync("busy", bridged: false);
        var end = await DialEndsAsync(team, "no-answer", bridged: false);

        Assert.Single(Legs(team));
        Assert.Equal(["Say", "Hangup"], end.Verbs);
        Assert.StartsWith("Sorry, nobody is available", end.Text("Say"));
        Assert.Equal("agentBusy", (await LastCallAsync())["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAgentWhoCannotTakeCallsHandsTheCallToTheTeamAtOnce()
    {
        await RingTeamAsync("together");
        await _org.Admin.PatchAsync($"{_org.Path}/agents/{_alice}", JsonContent(new { active = false }));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal([_bob, _carol], Legs(call.Answer).Select(l => l.AgentId).Order());
        Assert.Contains("The team rings instead", (await LastCallAsync())["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task AGroupWithMembersRingsOnlyItsMembers()
    {
        await RingTeamAsync("together");
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_carol}", null)).StatusCode);
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _org.Admin.PutAsync($"{_org.Path}/groups/{_group}/members/{_alice}", null)).StatusCode);
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var team = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal([(CarolPhone, _carol)], Legs(team));
    }

    [Fact]
    public async Task TheCallerHangingUpWhileTheTeamRingsEndsTheCallAsAbandoned()
    {
        await RingTeamAsync("together");
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var team = await call.DialEndsAsync("no-answer", bridged: false);

        await DialEndsAsync(team, "canceled", bridged: false);

        Assert.Equal("callerHungUp", (await LastCallAsync())["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task OffTheCallGoesStraightToTheMessageAsBefore()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);

        var end = await call.DialEndsAsync("no-answer", bridged: false);

        Assert.Equal(["Say", "Hangup"], end.Verbs);
        Assert.Null((await LastCallAsync())["teamRung"]);
    }

    // --- B7 after-hours voicemail ---

    [Theory]
    [InlineData("en-US", "Thank you for calling. We are closed right now.", "Please leave a message after the tone.")]
    [InlineData("es-US", "Gracias por llamar. En este momento estamos cerrados.",
        "Por favor, deje su mensaje después del tono.")]
    public async Task AfterHoursVoicemailSaysTheAfterHoursWordsThenRecords(
        string language,
        string closed,
        string prompt)
    {
        await _org.SetAsync("/call-options", new { language });
        await _org.SetAsync("/hours", new
        {
            timeZone = "America/New_York",
            weekly = new[] { new { day = "monday", open = "09:00", close = "17:00" } },
            afterHours = new { mode = "voicemail" },
        });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Say", "Say", "Record", "Hangup"], call.Answer.Verbs);
        var says = call.Answer.Response.Elements("Say").ToList();
        Assert.Equal(closed, says[0].Value);
        Assert.StartsWith(prompt, says[1].Value);
        Assert.Equal(language == "es-US" ? "es-US" : null, says[0].Attribute("language")?.Value);
        Assert.Contains("/voicemail/recorded", call.Answer.Attribute("Record", "action"));
        Assert.Equal("120", call.Answer.Attribute("Record", "maxLength"));
        Assert.Equal("afterHours", (await LastCallAsync())["outcome"]!.GetValue<string>());

        var thanks = await _provider.PostAsync(
            call.Answer.Attribute("Record", "action"),
            new() { ["CallSid"] = call.CallSid });
        Assert.Equal(
            language == "es-US" ? "Gracias por su mensaje. Adiós." : "Thank you for your message. Goodbye.",
            thanks.Text("Say"));
    }

    [Fact]
    public async Task AnAfterHoursVoicemailIsKeptAndReportedAsTheOtherVoicemails()
    {
        await _org.SetAsync("/hours", new
        {
            timeZone = "America/New_York",
            weekly = new[] { new { day = "monday", open = "09:00", close = "17:00" } },
            afterHours = new { mode = "voicemail" },
        });
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var callId = (await LastCallAsync())["id"]!.GetValue<long>();

        await _provider.PostAsync(call.Answer.Attribute("Record", "recordingStatusCallback"), new()
        {
            ["CallSid"] = call.CallSid,
            ["RecordingSid"] = "RE" + Guid.NewGuid().ToString("N"),
            ["RecordingStatus"] = "completed",
            ["RecordingDuration"] = "9",
        });

        var logged = await _org.Admin.GetJsonAsync($"{_org.Path}/calls/{callId}");
        Assert.Equal(9, logged["voicemail"]!["durationSeconds"]!.GetValue<int>());
        using var scope = _app.Services.CreateScope();
        Assert.True(
            await scope.ServiceProvider.GetRequiredService<SwitchboardDb>()
                .Voicemails.AnyAsync(v => v.CallId == callId && v.Counted));
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
