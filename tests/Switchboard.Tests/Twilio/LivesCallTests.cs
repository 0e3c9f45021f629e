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
/// docs/routing.md B5–B9 through signed webhooks on the real pipeline and database: blocked callers, caller
/// verification, hours (docs/hours.md), ring-the-team settings and Spanish.
/// </summary>
[Trait("Database", "yes")]
public sealed class LivesCallTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string AfterHoursNumber = "+14155550155";

    private static readonly object[] WeekdaysNineToFive =
        [.. new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }.Select(day =>
            new { day, open = "09:00", close = "17:00" })];

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
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-2));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private HttpClient Admin => _org.Admin;

    private async Task<JsonNode> LastCallAsync() => (await _org.CallsAsync())[0]!;

    private async Task<int> EventsOfAsync(long callId)
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDb>()
            .CallEvents.CountAsync(e => e.CallId == callId);
    }

    // --- B7 hours ---

    [Fact]
    public async Task OutsideTheOrganizationsHoursTheCallerHearsTheAfterHoursMessageAndNothingRings()
    {
        // The test clock stands at Tuesday 24 November 2026, 12:00 UTC: 07:00 in New York.
        await _org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = WeekdaysNineToFive });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Say", "Hangup"], call.Answer.Verbs);
        Assert.Contains("We are closed right now", call.Answer.Text("Say"));
        var logged = await LastCallAsync();
        Assert.Equal("afterHours", logged["decision"]!.GetValue<string>());
        Assert.Equal("closedNow", logged["reason"]!.GetValue<string>());
        Assert.Equal("afterHours", logged["outcome"]!.GetValue<string>());
        Assert.Contains("Closed now: opens Tuesday 09:00 America/New_York", logged["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithinHoursTheAgentRingsAsBefore()
    {
        await _org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = WeekdaysNineToFive });
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero)); // 09:00 in New York

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal(AlicePhone, call.Answer.Text("Number"));
    }

    [Fact]
    public async Task AfterHoursForwardRingsTheAfterHoursNumberWithoutAPrompt()
    {
        await _org.SetAsync("/hours", new
        {
            timeZone = "America/New_York", weekly = WeekdaysNineToFive,
            afterHours = new { mode = "forward", forwardTo = "(415) 555-0155" },
        });

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal(AfterHoursNumber, call.Answer.Text("Number"));
        Assert.Equal(GroupNumber, call.Answer.Attribute("Dial", "callerId"));
        Assert.Null(call.Answer.Find("Number")!.Attribute("url"));
    }

    [Fact]
    public async Task AGroupsOwnHoursWinAndTheRestFollowTheOrganization()
    {
        await _org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = WeekdaysNineToFive });
        var own = await TestOrganization.ReadAsync(await Admin.PutAsJsonAsync($"{_org.Path}/groups/{_group}/hours", new
        {
            mode = "own", timeZone = "Europe/Madrid", weekly = new[] { new
            {
                day = "tuesday",
                open = "12:00",
                close = "20:00",
            } },
        }));
        var inbox = await TestOrganization.ReadAsync(await Admin.GetAsync($"{_org.Path}/inboxes/{_inbox}/hours"));

        Assert.Equal("own", own["mode"]!.GetValue<string>());
        Assert.Equal("Europe/Madrid", own["effective"]!["timeZone"]!.GetValue<string>());
        Assert.Equal("followOrganization", inbox["mode"]!.GetValue<string>());
        Assert.Equal("America/New_York", inbox["effective"]!["timeZone"]!.GetValue<string>());
        // 12:00 UTC is 13:00 in Madrid: the group is open although New York is not.
        Assert.Equal(["Dial"], (await _provider.CallAsync(Contact, GroupNumber)).Answer.Verbs);
    }

    [Fact]
    public async Task TestACallShowsTheHoursStep()
    {
        await _org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = WeekdaysNineToFive });

        var explained = await TestOrganization.ReadAsync(
            await Admin.PostAsJsonAsync(
                $"{_org.Path}/routing/explain",
                new { contact = Contact, number = GroupNumber }));

        Assert.Equal("afterHours", explained["outcome"]!.GetValue<string>());
        Assert.Contains(
            explained["steps"]!.AsArray(),
            s => s!.GetValue<string>()
                == "Closed now: opens Tuesday 09:00 America/New_York (the organization's hours)");
    }

    [Fact]
    public async Task BadHoursAreRefusedNamingTheField()
    {
        var response = await Admin.PutAsJsonAsync($"{_org.Path}/hours", new
        {
            timeZone = "Mars/Olympus",
            weekly = new[] { new { day = "someday", open = "9am", close = "17:00" } },
            exceptions = new object[] { new { date = "2026-12-25", closed = true, open = "09:00" } },
            afterHours = new { mode = "forward", forwardTo = GroupNumber },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(
            ["afterHours.forwardTo", "exceptions[0]", "timeZone", "weekly[0].day", "weekly[0].open"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(
            "{\"timeZone\":null,\"weekly\":[],\"exceptions\":[],\"afterHours\":null}",
            await Admin.GetStringAsync($"{_org.Path}/hours"));
    }

    [Fact]
    public async Task HoursChangesAreInTheAuditLog()
    {
        await _org.SetAsync("/hours", new { timeZone = "America/New_York", weekly = WeekdaysNineToFive });

        var audit = await Admin.GetStringAsync($"{_org.Path}/audit");

        Assert.Contains("\"field\":\"hours\"", audit);
        Assert.Contains("America/New_York", audit);
    }

    // --- B5 blocked callers ---

    [Fact]
    public async Task ABlockedCallerIsRejectedBeforeAnythingRingsWithNoEventButIsInTheLog()
    {
        await _org.SetAsync("/call-events", new { url = "https://texting.example.org/hooks" });
        await _org.SetAsync("/groups/" + _group + "/call-options", new { rejectWithMessage = true });
        var blocked = await TestOrganization.ReadAsync(
            await Admin.PutAsync($"{_org.Path}/blocked-callers/{Uri.EscapeDataString("(415) 555-0199")}", null));

        var call = await _provider.CallAsync(Contact, GroupNumber);

        Assert.Equal(Contact, blocked["number"]!.GetValue<string>());
        Assert.Equal(["Reject"], call.Answer.Verbs);
        var logged = await LastCallAsync();
        Assert.Equal("callerBlocked", logged["reason"]!.GetValue<string>());
        Assert.Equal("rejected", logged["outcome"]!.GetValue<string>());
        Assert.Equal(0, await EventsOfAsync(logged["id"]!.GetValue<long>()));

        Assert.Equal(
            HttpStatusCode.NoContent,
            (await Admin.DeleteAsync($"{_org.Path}/blocked-callers/%2B14155550199")).StatusCode);
        Assert.Equal(["Dial"], (await _provider.CallAsync(Contact, GroupNumber)).Answer.Verbs);
    }

    [Fact]
    public async Task AnAgentBlocksTheCallerOfACallTheyWereOfferedWithoutSeeingTheNumber()
    {
        await _provider.CallAsync(Contact, GroupNumber);
        var callId = (await LastCallAsync())["id"]!.GetValue<long>();
        var alice = await _org.AgentClientAsync(_alice);
        var bob = await _org.AgentClientAsync(await _org.CreateAgentAsync("Bob", "+14155550112"));

        var notBobs = await bob.PostAsync($"{_org.Path}/calls/{callId}/block-caller", null);
        var response = await alice.PostAsync($"{_org.Path}/calls/{callId}/block-caller", null);

        Assert.Equal(HttpStatusCode.NotFound, notBobs.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        var list = await Admin.GetStringAsync($"{_org.Path}/blocked-callers");
        Assert.Contains(Contact, list);
        Assert.Contains($"\"fromCallId\":{callId}", list);
        Assert.Contains("\"entityType\":\"blockedCaller\"", await Admin.GetStringAsync($"{_org.Path}/audit"));
        Assert.Equal(["Reject"], (await _provider.CallAsync(Contact, GroupNumber)).Answer.Verbs);
    }

    [Fact]
    public async Task BlockingIsPerOrganization()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        await other.SetAsync("/blocked-callers/%2B14155550199", new { });

        Assert.Equal(["Dial"], (await _provider.CallAsync(Contact, GroupNumber)).Answer.Verbs);
        Assert.Equal("[]", await Admin.GetStringAsync($"{_org.Path}/blocked-callers"));
    }

    // --- B6 caller verification ---

    [Fact]
    public async Task VerificationIsInTheCallLogAndAFailedOneIsTakenByDefault()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber, stirVerstat: "TN-Validation-Failed-B");

        Assert.Equal(["Dial"], call.Answer.Verbs);
        Assert.Equal("TN-Validation-Failed-B", (await LastCallAsync())["verification"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnOrganizationThatRejectsFailedVerificationRejectsOnlyThose()
    {
        var options = await TestOrganization.ReadAsync(
            await Admin.PutAsJsonAsync($"{_org.Path}/call-options", new { rejectFailedVerification = true }));

        var failed = await _provider.CallAsync(Contact, GroupNumber, stirVerstat: "TN-Validation-Failed");
        var passed = await _provider.CallAsync(Contact, GroupNumber, stirVerstat: "TN-Validation-Passed-A");
        var unsigned = await _provider.CallAsync(Contact, GroupNumber);

        Assert.True(options["rejectFailedVerification"]!.GetValue<bool>());
        Assert.Equal(["Reject"], failed.Answer.Verbs);
        Assert.Equal(["Dial"], passed.Answer.Verbs);
        Assert.Equal(["Dial"], unsigned.Answer.Verbs);
        Assert.Contains(await _org.CallsAsync(), c => c!["reason"]!.GetValue<string>() == "verificationFailed");
    }

    // --- B8 ring the team: settings ---

    [Fact]
    public async Task RingTheTeamIsAGroupCallOptionWithItsDefaultsAndLimits()
    {
        var set = await TestOrganization.ReadAsync(
            await Admin.PutAsJsonAsync(
                $"{_org.Path}/groups/{_group}/call-options",
                new { ringTeam = new { mode = "inTurn" } }));
        var bad = await Admin.PutAsJsonAsync(
            $"{_org.Path}/groups/{_group}/call-options",
            new { ringTeam = new { mode = "everyone", ringSeconds = 5, maxAgents = 11 } });

        Assert.Equal("inTurn", set["ringTeam"]!["mode"]!.GetValue<string>());
        Assert.Equal(20, set["ringTeam"]!["ringSeconds"]!.GetValue<int>());
        Assert.Equal(5, set["ringTeam"]!["maxAgents"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(
            ["ringTeam.maxAgents", "ringTeam.mode", "ringTeam.ringSeconds"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    // --- B9 Spanish ---

    [Fact]
    public async Task InSpanishTheCallerHearsTheStockMessageInASpanishVoice()
    {
        await _org.SetAsync("/call-options", new { language = "es-US" });
        var dana = await _org.CreateAgentAsync("Dana", phone: null);
        await _org.TextAsync(dana, "+14155550198", GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));

        var call = await _provider.CallAsync("+14155550198", GroupNumber);

        Assert.Equal(["Say", "Hangup"], call.Answer.Verbs);
        Assert.Equal("es-US", call.Answer.Attribute("Say", "language"));
        Assert.Equal("Polly.Lupe", call.Answer.Attribute("Say", "voice"));
        Assert.StartsWith("Lo sentimos", call.Answer.Text("Say"));
    }

    [Fact]
    public async Task AGroupInSpanishPromptsItsAgentInSpanishWhileTheOrganizationSpeaksEnglish()
    {
        await _org.SetAsync($"/groups/{_group}/call-options", new { language = "es-US" });

        var call = await _provider.CallAsync(Contact, GroupNumber);
        var prompt = await call.AgentAnswersAsync();

        Assert.Equal("es-US", prompt.Attribute("Say", "language"));
        Assert.Contains(
            "Tiene una llamada de un contacto de Acme Org, grupo Field Team. Usted le escribió hace 2 horas. Pulse 1",
            prompt.Text("Say"));
        Assert.DoesNotContain("7199", prompt.Body);
        var options = await TestOrganization.ReadAsync(
            await Admin.GetAsync($"{_org.Path}/groups/{_group}/call-options"));
        Assert.Equal("es-US", options["effective"]!["language"]!.GetValue<string>());
    }

    [Fact]
    public async Task EnglishStaysAsItWas()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var prompt = await call.AgentAnswersAsync();

        Assert.Null(prompt.Find("Say")!.Attribute("language"));
        Assert.StartsWith("You have a call from a contact of Acme Org, group Field Team.", prompt.Text("Say"));
    }

    [Fact]
    public async Task AnUnknownLanguageIsRefused()
    {
        var response = await Admin.PutAsJsonAsync($"{_org.Path}/call-options", new { language = "fr-FR" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"language\"", await response.Content.ReadAsStringAsync());
    }
}
