using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Switchboard.Tests.Support;
using Switchboard.Providers;
using Switchboard.Twilio;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Calls;

/// <summary>
/// Outbound calls by agents (routing rule R5, docs/routing.md), end to end: the admin API asks Switchboard for a
/// call, Switchboard asks the provider's REST API (a real local server that checks what Twilio checks), and the
/// provider's side is walked through the signed webhooks and the TwiML they answer.
/// </summary>
[Trait("Database", "yes")]
public sealed class OutboundCallTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";
    private const string OtherContact = "+14155550198";
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        var inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: inbox);
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(2));
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _twilio.DisposeAsync();
    }

    private DateTimeOffset HoursAgo(int hours) => _app.Clock.GetUtcNow().AddHours(-hours);

    private Task<HttpResponseMessage> StartAsync(HttpClient client, long? agentId, string contact = "(415) 555-0199") =>
        client.PostAsJsonAsync($"{_org.Path}/calls", new { agentId, contact });

    private async Task<(JsonNode Call, OutboundCall Provider)> StartedAsync(
        HttpClient? client = null,
        long? agentId = null)
    {
        var response = await StartAsync(client ?? _org.Admin, agentId ?? _alice);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var call = await TestOrganization.ReadAsync(response);
        return (call, _provider.Outbound(_twilio.Created.Last()));
    }

    private async Task<JsonNode> CallAsync(long id) => await _org.Admin.GetJsonAsync($"{_org.Path}/calls/{id}");

    [Fact]
    public async Task AgentCallsAContactTheyTextedAndEachSideSeesOnlyThePlatformNumber()
    {
        var (call, provider) = await StartedAsync();

        var asked = Assert.Single(_twilio.Created);
        Assert.Equal(FakeTwilioApi.AccountSid, asked.User);
        Assert.Equal(AlicePhone, asked.To);
        Assert.Equal(GroupNumber, asked.From);
        Assert.Equal($"{SwitchboardApp.PublicBaseUrl}/webhooks/twilio/calls/{call.Id()}/outbound/answered", asked.Url);
        Assert.Equal(["initiated", "ringing", "answered", "completed"], asked.Values("StatusCallbackEvent"));
        Assert.Equal(asked.Sid, call.Text("callSid"));
        Assert.Equal("outbound", call.Text("direction"));
        Assert.Equal("agentRinging", call.Text("stage"));
        Assert.Equal("***0199", call.Text("contact"));

        await provider.AgentStatusAsync("ringing");
        var prompt = await provider.AgentAnswersAsync();
        Assert.Equal(["Gather", "Hangup"], prompt.Verbs);
        Assert.Equal("1", prompt.Attribute("Gather", "numDigits"));
        Assert.Contains("Press 1 to call your contact", prompt.Text("Say"));
        Assert.Contains("Acme Org, group Field Team", prompt.Text("Say"));
        Assert.DoesNotContain("0199", prompt.Body);
        Assert.Equal("agentAnswered", (await CallAsync(call.Id())).Text("stage"));

        var dial = await provider.PressAsync(prompt, "1");
        Assert.Equal(["Dial"], dial.Verbs);
        Assert.Equal(GroupNumber, dial.Attribute("Dial", "callerId"));
        Assert.Equal("true", dial.Attribute("Dial", "answerOnBridge"));
        Assert.Equal(Contact, dial.Text("Number"));
        Assert.DoesNotContain(AlicePhone, dial.Body);
        Assert.Equal("agentConfirmed", (await CallAsync(call.Id())).Text("stage"));

        await provider.ContactStatusAsync(dial, "ringing");
        Assert.Equal("contactRinging", (await CallAsync(call.Id())).Text("stage"));
        await provider.ContactStatusAsync(dial, "in-progress");
        Assert.Equal("connected", (await CallAsync(call.Id())).Text("stage"));
        Assert.Equal(
            ["Hangup"],
            (await provider.DialEndsAsync(dial, "completed", bridged: true, dialSeconds: 252)).Verbs);
        await provider.AgentStatusAsync("completed", durationSeconds: 270);

        var ended = await CallAsync(call.Id());
        Assert.Equal("ended", ended.Text("stage"));
        Assert.Equal("connected", ended.Text("outcome"));
        Assert.Equal(252, ended["talkSeconds"]!.GetValue<int>());
        Assert.Equal(270, ended["durationSeconds"]!.GetValue<int>());
        Assert.Equal("accepted", ended.Text("screening"));
        Assert.Equal(
            ["agent ringing", "contact ringing", "contact in-progress", "agent completed"],
            ended["statuses"]!.AsArray().Select(s => $"{s!.Text("leg")} {s!.Text("status")}"));
    }

    [Fact]
    public async Task CallerIdIsTheNumberTheAgentLastTextedTheContactFromByTimeSent()
    {
        await _org.TextAsync(_alice, Contact, InboxNumber, HoursAgo(1));
        await _org.TextAsync(_alice, Contact, GroupNumber, HoursAgo(5));

        await StartedAsync();

        Assert.Equal(InboxNumber, _twilio.Created.Single().From);
    }

    [Fact]
    public async Task AgentWhoNeverTextedTheContactIsRefusedAndNothingRings()
    {
        var response = await StartAsync(_org.Admin, _bob);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("Bob has never texted ***0199", problem.Text("detail"));
        Assert.Empty(_twilio.Received);
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task AnotherContactOfTheSameAgentIsRefused()
    {
        var response = await StartAsync(_org.Admin, _alice, OtherContact);

        await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Empty(_twilio.Received);
    }

    [Fact]
    public async Task AgentKeyCallsAsItselfButNotAsAnotherAgent()
    {
        var alice = await _org.AgentClientAsync(_alice);
        var bob = await _org.AgentClientAsync(_bob);

        await ProblemAsync(await StartAsync(bob, _alice), HttpStatusCode.Forbidden);
        Assert.Empty(_twilio.Received);

        var (call, _) = await StartedAsync(alice, agentId: _alice);
        Assert.Equal(_alice, call.Id("agentId"));
        var own = await TestOrganization.ReadAsync(
            await alice.PostAsJsonAsync($"{_org.Path}/calls", new { contact = Contact }));
        Assert.Equal(_alice, own.Id("agentId"));
        Assert.Equal(2, _twilio.Created.Count);
    }

    [Fact]
    public async Task KeyOfAnotherOrganizationGetsNotFound()
    {
        var other = await TestOrganization.CreateAsync(_app, "Other Org");

        await ProblemAsync(await StartAsync(other.Admin, _alice), HttpStatusCode.NotFound);
        Assert.Empty(_twilio.Received);
    }

    [Fact]
    public async Task AgentWithoutAPhoneOrInactiveCannotBeRung()
    {
        await _org.Admin.SendJsonAsync(HttpMethod.Patch, $"{_org.Path}/agents/{_alice}", new { phone = (string?)null });
        var noPhone = await ProblemAsync(await StartAsync(_org.Admin, _alice), HttpStatusCode.Conflict);
        await _org.Admin.SendJsonAsync(
            HttpMethod.Patch,
            $"{_org.Path}/agents/{_alice}",
            new { phone = AlicePhone, active = false });
        var inactive = await ProblemAsync(await StartAsync(_org.Admin, _alice), HttpStatusCode.Conflict);

        Assert.Equal("Alice has no personal phone number to ring.", noPhone.Text("detail"));
        Assert.Equal("Alice is inactive.", inactive.Text("detail"));
        Assert.Empty(_twilio.Received);
    }

    [Fact]
    public async Task BadRequestsNameTheirFields()
    {
        Assert.Equal(["contact"], await ErrorFieldsAsync(await StartAsync(_org.Admin, _alice, "not a number")));
        Assert.Equal(
            ["agentId"],
            await ErrorFieldsAsync(await _org.Admin.PostAsJsonAsync($"{_org.Path}/calls", new { contact = Contact })));
        await ProblemAsync(await StartAsync(_org.Admin, 999_999), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ProviderRefusalComesBackAsAProblemInTheProvidersWordsAndTheCallEnds()
    {
        _twilio.Forbidden.Add(AlicePhone);

        var problem = await ProblemAsync(await StartAsync(_org.Admin, _alice), HttpStatusCode.BadGateway);

        Assert.Equal("The telephony provider refused the call", problem.Text("title"));
        Assert.Contains("HTTP 400 (21215: Account not authorized to call ***0111", problem.Text("detail"));
        Assert.DoesNotContain(AlicePhone, problem.ToJsonString());
        var call = await CallAsync(problem.Id("callId"));
        Assert.Equal("providerRefused", call.Text("outcome"));
        Assert.Equal("ended", call.Text("stage"));
        Assert.Null(call["callSid"]);
        Assert.Single(_twilio.Received);
    }

    [Fact]
    public async Task WrongAccountCredentialsAreAClearProblem()
    {
        await using var otherToken = await FakeTwilioApi.StartAsync(authToken: "another-token");
        using var app = new SwitchboardApp();
        otherToken.Configure(app);

        var problem = await ProblemAsync(await AliceCallsOnAsync(app), HttpStatusCode.BadGateway);

        Assert.Contains("HTTP 401 (20003: Authenticate)", problem.Text("detail"));
        Assert.Empty(otherToken.Created);
    }

    [Fact]
    public async Task ProviderErrorAfterTheRequestReachedItIsNotRetriedSoTheAgentIsNeverRungTwice()
    {
        _twilio.Outage = HttpStatusCode.ServiceUnavailable;

        var problem = await ProblemAsync(await StartAsync(_org.Admin, _alice), HttpStatusCode.BadGateway);

        Assert.Contains("HTTP 503", problem.Text("detail"));
        Assert.Single(_twilio.Received);
    }

    [Fact]
    public async Task SlowProviderIsNotAskedAgainAndItsLaterCallbacksStillFollowTheCall()
    {
        _twilio.Delay = TimeSpan.FromSeconds(3);

        var problem = await ProblemAsync(await StartAsync(_org.Admin, _alice), HttpStatusCode.GatewayTimeout);

        Assert.Single(_twilio.Received);
        var callId = problem.Id("callId");
        Assert.Equal("requested", (await CallAsync(callId)).Text("stage"));
        await WaitUntilAsync(() => !_twilio.Created.IsEmpty);
        await _provider.Outbound(_twilio.Created.Single()).AgentStatusAsync("ringing");
        var call = await CallAsync(callId);
        Assert.Equal("agentRinging", call.Text("stage"));
        Assert.Equal(_twilio.Created.Single().Sid, call.Text("callSid"));
    }

    [Fact]
    public async Task ProviderThatCannotBeReachedIsAProblemAndNoCallIsPlaced()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var app = new SwitchboardApp();
        _twilio.Configure(app);
        app.Settings["Switchboard:Twilio:ApiBaseUrl"] = $"http://127.0.0.1:{port}";

        var problem = await ProblemAsync(await AliceCallsOnAsync(app), HttpStatusCode.BadGateway);

        Assert.Equal("The telephony provider could not be reached", problem.Text("title"));
        Assert.Contains("No call was placed", problem.Text("detail"));
    }

    [Fact]
    public async Task WithoutAProviderAccountOutboundCallsAreNotSetUp()
    {
        using var app = new SwitchboardApp();

        var problem = await ProblemAsync(await AliceCallsOnAsync(app), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("Switchboard:Twilio:AccountSid", problem.Text("detail"));
    }

    [Fact]
    public async Task AgentWhoPressesAnotherKeyIsHungUpOnAndTheContactNeverRings()
    {
        var (call, provider) = await StartedAsync();
        var prompt = await provider.AgentAnswersAsync();

        Assert.Equal(["Hangup"], (await provider.PressAsync(prompt, "2")).Verbs);
        await provider.AgentStatusAsync("completed", durationSeconds: 9);

        var ended = await CallAsync(call.Id());
        Assert.Equal("agentDeclined", ended.Text("outcome"));
        Assert.Equal("ended", ended.Text("stage"));
    }

    [Fact]
    public async Task AgentVoicemailNeverPressesOneSoTheContactIsNeverConnectedToIt()
    {
        var (call, provider) = await StartedAsync();
        var prompt = await provider.AgentAnswersAsync();

        Assert.Equal(["Hangup"], (await provider.PressAsync(prompt, null)).Verbs);

        Assert.Equal("agentNoInput", (await CallAsync(call.Id())).Text("outcome"));
    }

    [Fact]
    public async Task AgentWhoDoesNotAnswerEndsTheCallAsNoAnswer()
    {
        var (call, provider) = await StartedAsync();

        await provider.AgentStatusAsync("ringing");
        await provider.AgentStatusAsync("no-answer");

        var ended = await CallAsync(call.Id());
        Assert.Equal("agentNoAnswer", ended.Text("outcome"));
        Assert.Equal("ended", ended.Text("stage"));
    }

    [Fact]
    public async Task BusyContactIsToldToTheAgent()
    {
        var (call, provider) = await StartedAsync();
        var dial = await provider.PressAsync(await provider.AgentAnswersAsync(), "1");

        var told = await provider.DialEndsAsync(dial, "busy", bridged: false);

        Assert.Equal(OutboundWebhooks.ContactBusy, told.Text("Say"));
        Assert.Equal("contactBusy", (await CallAsync(call.Id())).Text("outcome"));
    }

    [Fact]
    public async Task OutboundWebhooksRefuseUnsignedRequestsAndEndUnknownCallsPolitely()
    {
        var (call, _) = await StartedAsync();
        var url = $"{SwitchboardApp.PublicBaseUrl}/webhooks/twilio/calls/{call.Id()}/outbound/answered";

        var unsigned = await _provider.SendAsync(
            url,
            new() { ["CallSid"] = "CAx", ["CallStatus"] = "in-progress" },
            signature: null);
        var unknown = await _provider.PostAsync(
            "/webhooks/twilio/calls/999999/outbound/answered",
            new() { ["CallSid"] = "CAx" });
        var inbound = await _provider.PostAsync(
            $"/webhooks/twilio/calls/{call.Id()}/outbound/confirmed",
            new() { ["Digits"] = "1" });

        Assert.Equal(HttpStatusCode.Forbidden, unsigned.Status);
        Assert.Equal(["Hangup"], unknown.Verbs);
        Assert.Equal(["Hangup"], inbound.Verbs);
        Assert.Equal("agentRinging", (await CallAsync(call.Id())).Text("stage"));
    }

    /// <summary>
    /// On an app of its own (other provider settings): Alice, who texted the contact, asks to call them.
    /// </summary>
    private static async Task<HttpResponseMessage> AliceCallsOnAsync(SwitchboardApp app)
    {
        var org = await TestOrganization.CreateAsync(app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", AlicePhone);
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Contact, GroupNumber, app.Clock.GetUtcNow().AddHours(-1));
        return await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Contact });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(20);
        }
    }
}
