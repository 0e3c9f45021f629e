using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Tests.Support;
using Switchboard.Calls.Voicemail;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Voicemail;

/// <summary>
/// Voicemail from end to end, as the provider and a texting platform would see it: signed webhooks walk the TwiML
/// (the dial ends, the caller is recorded, the provider reports the recording and its transcript), the provider's REST
/// API is a real local server holding the recordings, and the events arrive at a real receiver.
/// </summary>
[Trait("Database", "yes")]
public sealed partial class VoicemailTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string InboxNumber = "+14155550102";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";
    private const string BobPhone = "+14155550112";
    private const string Secret = "receiver-shared-secret-0123456789";

    private static readonly byte[] Audio = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i % 251))];

    private readonly SwitchboardApp _app = new();
    private readonly EventReceiver _receiver = EventReceiver.Down();
    private FakeTwilioApi _api = null!;
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;
    private long _group;
    private long _inbox;
    private long _alice;
    private long _bob;

    public async Task InitializeAsync()
    {
        _api = await FakeTwilioApi.StartAsync();
        _api.Configure(_app);
        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        EventReceiver.AllowIn(_app.Settings);
        // The sweeper is run by the tests themselves, at the fake clock's times.
        _app.Settings["Switchboard:Voicemail:SweepInterval"] = "01:00:00";
        _org = await TestOrganization.CreateAsync(_app, "Acme Org");
        _provider = _app.Provider();
        _group = await _org.CreateGroupAsync("Field Team");
        _inbox = await _org.CreateInboxAsync("Help Line");
        _alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        _bob = await _org.CreateAgentAsync("Bob", BobPhone);
        await _org.AddNumberAsync(GroupNumber, groupId: _group);
        await _org.AddNumberAsync(InboxNumber, inboxId: _inbox);
        await _org.TextAsync(_alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private Task VoicemailOnAsync(bool transcribe = false, int maxSeconds = 90, int retentionDays = 90) =>
        _org.SetAsync(
            "/call-options",
            new { voicemail = new { enabled = true, maxSeconds, transcribe }, voicemailRetentionDays = retentionDays });

    private async Task EventsToTheReceiverAsync()
    {
        await _receiver.UpAsync();
        await _org.SetAsync("/call-events", new { url = _receiver.Url, secret = Secret });
    }

    /// <summary>
    /// A contact calls, Alice's phone rings out: the caller hears the message, then is asked for a voicemail.
    /// </summary>
    private async Task<(TwilioProvider.Call Call, TwiMLAnswer Answer, long CallId)> AgentDoesNotAnswerAsync()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var answer = await call.DialEndsAsync("no-answer", bridged: false);
        var callId = long.Parse(
            CallIdIn().Match(call.Answer.Attribute("Dial", "action")).Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        return (call, answer, callId);
    }

    /// <summary>
    /// The recording status callback, as the provider posts it; its RecordingUrl points somewhere it must never be
    /// fetched from.
    /// </summary>
    private Task<TwiMLAnswer> RecordingDoneAsync(
        TwiMLAnswer answer,
        string callSid,
        string recordingSid,
        int seconds,
        string status = "completed") =>
        _provider.PostAsync(answer.Attribute("Record", "recordingStatusCallback"), new()
        {
            ["AccountSid"] = FakeTwilioApi.AccountSid,
            ["CallSid"] = callSid,
            ["RecordingSid"] = recordingSid,
            ["RecordingUrl"] = "http://169.254.169.254/latest/meta-data",
            ["RecordingStatus"] = status,
            ["RecordingDuration"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RecordingChannels"] = "1",
            ["RecordingSource"] = "RecordVerb",
        });

    private Task<TwiMLAnswer> TranscribedAsync(
        TwiMLAnswer answer,
        string callSid,
        string recordingSid,
        string text,
        string status = "completed") =>
        _provider.PostAsync(answer.Attribute("Record", "transcribeCallback"), new()
        {
            ["AccountSid"] = FakeTwilioApi.AccountSid,
            ["CallSid"] = callSid,
            ["RecordingSid"] = recordingSid,
            ["TranscriptionSid"] = "TR" + Guid.NewGuid().ToString("N"),
            ["TranscriptionText"] = text,
            ["TranscriptionStatus"] = status,
            ["TranscriptionType"] = "fast",
        });

    private async Task<int> SweepAsync()
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Voicemails>().SweepAsync(CancellationToken.None);
    }

    private async Task<JsonNode> CallAsync(long callId) => await _org.Admin.GetJsonAsync($"{_org.Path}/calls/{callId}");

    /// <summary>Waits (wall-clock, at most 20 s) for the receiver to have taken this many events.</summary>
    private async Task<List<JsonNode>> EventsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_receiver.Taken.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out with {_receiver.Taken.Count} event(s)");
            await Task.Delay(25);
        }

        return _receiver.Taken.Select(e => JsonNode.Parse(e.Body)!).ToList();
    }

    [Fact]
    public async Task OptionsAreSetForTheOrganizationAndAGroupFollowsItUntilItSetsItsOwn()
    {
        var defaults = await _org.Admin.GetJsonAsync($"{_org.Path}/call-options");
        Assert.False(defaults["voicemail"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(120, defaults["voicemail"]!["maxSeconds"]!.GetValue<int>());
        Assert.Equal(90, defaults["voicemailRetentionDays"]!.GetValue<int>());

        await VoicemailOnAsync(transcribe: true, maxSeconds: 60, retentionDays: 30);
        var group = await _org.Admin.GetJsonAsync($"{_org.Path}/groups/{_group}/call-options");
        Assert.Null(group["voicemail"]);
        Assert.Equal(60, group["effective"]!["voicemail"]!["maxSeconds"]!.GetValue<int>());
        Assert.True(group["effective"]!["voicemail"]!["transcribe"]!.GetValue<bool>());

        await _org.SetAsync($"/inboxes/{_inbox}/call-options", new { voicemail = new { enabled = false } });
        var inbox = await _org.Admin.GetJsonAsync($"{_org.Path}/inboxes/{_inbox}/call-options");
        Assert.False(inbox["voicemail"]!["enabled"]!.GetValue<bool>());
        Assert.False(inbox["effective"]!["voicemail"]!["enabled"]!.GetValue<bool>());

        var audit = await _org.Admin.GetJsonAsync($"{_org.Path}/audit");
        Assert.Contains("VoicemailEnabled", audit.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("""{"voicemail":{"enabled":true,"maxSeconds":9}}""", "voicemail.maxSeconds")]
    [InlineData("""{"voicemail":{"enabled":true,"maxSeconds":601}}""", "voicemail.maxSeconds")]
    [InlineData("""{"voicemail":{"maxSeconds":60}}""", "voicemail.enabled")]
    [InlineData("""{"voicemailRetentionDays":0}""", "voicemailRetentionDays")]
    public async Task BadVoicemailOptionsAreRefusedNamingTheField(string body, string field)
    {
        var response = await _org.Admin.SendRawAsync(HttpMethod.Put, $"{_org.Path}/call-options", body);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, await ErrorFieldsAsync(response));
    }

    [Fact]
    public async Task WithVoicemailOffTheCallerHearsTheMessageAndIsHungUpOn()
    {
        var (_, answer, _) = await AgentDoesNotAnswerAsync();

        Assert.Equal(["Say", "Hangup"], answer.Verbs);
    }

    [Fact]
    public async Task ACallerWhoseAgentDoesNotAnswerIsAskedToLeaveAMessageAndRecorded()
    {
        await VoicemailOnAsync(maxSeconds: 90);

        var (_, answer, callId) = await AgentDoesNotAnswerAsync();

        Assert.Equal(["Say", "Say", "Record", "Hangup"], answer.Verbs);
        Assert.Contains("leave a message after the tone", answer.Body, StringComparison.Ordinal);
        var record = answer.Find("Record")!;
        Assert.Equal("90", record.Attribute("maxLength")?.Value);
        Assert.Equal("#", record.Attribute("finishOnKey")?.Value);
        Assert.Equal("trim-silence", record.Attribute("trim")?.Value);
        Assert.Equal(
            $"{SwitchboardApp.PublicBaseUrl}/webhooks/twilio/calls/{callId}/voicemail/recording",
            record.Attribute("recordingStatusCallback")?.Value);
        Assert.Null(record.Attribute("transcribe"));
        Assert.DoesNotContain("555011", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("5550199", answer.Body, StringComparison.Ordinal);

        var thanks = await _provider.PostAsync(
            record.Attribute("action")!.Value,
            new() { ["CallSid"] = "CAx", ["RecordingDuration"] = "12", ["Digits"] = "#" });
        Assert.Equal(["Say", "Hangup"], thanks.Verbs);
    }

    [Fact]
    public async Task AnUnavailableAgentsCallerAndAnInboxThatRejectsWithTheMessageOfferVoicemailToo()
    {
        await VoicemailOnAsync();
        await _org.Admin.PatchAsJsonAsync($"{_org.Path}/agents/{_alice}", new { active = false });
        await _org.SetAsync($"/inboxes/{_inbox}/call-options", new { rejectWithMessage = true });

        var unavailable = await _provider.CallAsync(Contact, GroupNumber);
        var inbox = await _provider.CallAsync(Contact, InboxNumber);

        Assert.Equal(["Say", "Say", "Record", "Hangup"], unavailable.Answer.Verbs);
        Assert.Equal(["Say", "Say", "Record", "Hangup"], inbox.Answer.Verbs);
    }

    [Fact]
    public async Task AGroupThatTurnsVoicemailOffOverridesTheOrganization()
    {
        await VoicemailOnAsync();
        await _org.SetAsync($"/groups/{_group}/call-options", new { voicemail = new { enabled = false } });

        var (_, answer, _) = await AgentDoesNotAnswerAsync();

        Assert.Equal(["Say", "Hangup"], answer.Verbs);
    }

    [Fact]
    public async Task TheVoicemailIsShownAndItsAudioStreamedToAnAdminAndTheAgentButNotAnotherAgent()
    {
        await VoicemailOnAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();
        var recordingSid = _api.AddRecording(Audio);
        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 23);

        var shown = (await CallAsync(callId))["voicemail"]!;
        Assert.Equal(23, shown["durationSeconds"]!.GetValue<int>());
        Assert.Null(shown["transcript"]);
        Assert.Equal($"{_org.Path}/calls/{callId}/voicemail", shown.Text("audioUrl"));
        var report = await _org.Admin.GetJsonAsync($"{_org.Path}/reports/calls?from=2026-11-24&to=2026-11-24");
        Assert.Equal(1, report["totals"]!["voicemails"]!.GetValue<int>());
        Assert.Equal(
            1,
            report["rows"]!
                .AsArray()
                .Single(r => r!["name"]?.GetValue<string>() == "Alice")!["voicemails"]!
                .GetValue<int>());

        using var whole = await _org.Admin.GetAsync($"{_org.Path}/calls/{callId}/voicemail");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Audio, await whole.Content.ReadAsByteArrayAsync());
        Assert.Contains(
            _api.ResourceRequests,
            r => r == $"GET /2010-04-01/Accounts/{FakeTwilioApi.AccountSid}/Recordings/{recordingSid}.mp3 " +
                $"as {FakeTwilioApi.AccountSid}");

        var alice = await _org.AgentClientAsync(_alice);
        using var range = new HttpRequestMessage(HttpMethod.Get, $"{_org.Path}/calls/{callId}/voicemail");
        range.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await alice.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(Audio[100..200], await part.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100-199/{Audio.Length}", part.Content.Headers.ContentRange?.ToString());

        var bob = await _org.AgentClientAsync(_bob);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"{_org.Path}/calls/{callId}/voicemail")).StatusCode);
        var other = await TestOrganization.CreateAsync(_app, "Other Org");
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await other.Admin.GetAsync($"{_org.Path}/calls/{callId}/voicemail")).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await other.Admin.GetAsync($"{other.Path}/calls/{callId}/voicemail")).StatusCode);
    }

    [Fact]
    public async Task WithTranscriptionTheEventWaitsForTheTranscriptAndCarriesASignedLinkThatPlaysWithoutAKey()
    {
        await VoicemailOnAsync(transcribe: true);
        await EventsToTheReceiverAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();
        Assert.Equal("true", answer.Attribute("Record", "transcribe"));
        var recordingSid = _api.AddRecording(Audio);

        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 23);
        var missed = await EventsAsync(1);
        Assert.Equal("call.missed", missed[0].Text("type"));
        Assert.Equal(0, await SweepAsync());

        await TranscribedAsync(answer, call.CallSid, recordingSid, "Hi, it's about the rally on Saturday.");
        var events = await EventsAsync(2);
        var voicemail = events[1];
        Assert.Equal("call.voicemail", voicemail.Text("type"));
        Assert.Equal(callId, voicemail["call"]!.Id());
        Assert.Equal(23, voicemail["voicemail"]!["durationSeconds"]!.GetValue<int>());
        Assert.Equal("Hi, it's about the rally on Saturday.", voicemail["voicemail"]!.Text("transcript"));
        Assert.Equal(
            "Hi, it's about the rally on Saturday.",
            (await CallAsync(callId))["voicemail"]!.Text("transcript"));

        var link = voicemail["voicemail"]!.Text("audioUrl");
        Assert.StartsWith($"{SwitchboardApp.PublicBaseUrl}/voicemails/{callId}/", link, StringComparison.Ordinal);
        Assert.DoesNotContain("5550199", link, StringComparison.Ordinal);
        Assert.DoesNotContain("5550111", link, StringComparison.Ordinal);
        var anonymous = _app.CreateClient();
        var path = new Uri(link).AbsolutePath;
        Assert.Equal(Audio, await anonymous.GetByteArrayAsync(path));

        var signature = path[(path.LastIndexOf('/') + 1)..];
        var tampered = path[..(path.LastIndexOf('/') + 1)] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(tampered)).StatusCode);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await anonymous.GetAsync(
                path.Replace($"/{callId}/", $"/{callId + 1}/", StringComparison.Ordinal))).StatusCode);
        var longer = Regex.Replace(
            path,
            @"/(\d{9,})/",
            m => $"/{long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 86400}/");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(longer)).StatusCode);

        _app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task ATranscriptThatNeverComesIsWaitedForFiveMinutesAndTheEventIsSentOnceWithout()
    {
        await VoicemailOnAsync(transcribe: true);
        await EventsToTheReceiverAsync();
        var (call, answer, _) = await AgentDoesNotAnswerAsync();
        var recordingSid = _api.AddRecording(Audio);
        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 41);
        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 41);

        _app.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await SweepAsync());
        _app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await SweepAsync());
        var events = await EventsAsync(2);
        Assert.Null(events[1]["voicemail"]!["transcript"]);

        await TranscribedAsync(answer, call.CallSid, recordingSid, "Late words.");
        await SweepAsync();
        await Task.Delay(300);
        Assert.Equal(2, _receiver.Taken.Count);
    }

    [Fact]
    public async Task AMessageUnderTwoSecondsIsNoVoicemailAndItsRecordingIsDeletedAtOnce()
    {
        await VoicemailOnAsync();
        await EventsToTheReceiverAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();
        var recordingSid = _api.AddRecording(Audio);

        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 1);

        Assert.Null((await CallAsync(callId))["voicemail"]);
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await _org.Admin.GetAsync($"{_org.Path}/calls/{callId}/voicemail")).StatusCode);
        Assert.Equal(1, await SweepAsync());
        Assert.False(_api.Recordings.ContainsKey(recordingSid));
        await Task.Delay(300);
        Assert.Equal(["call.missed"], (await EventsAsync(1)).Select(e => e.Text("type")));
    }

    [Fact]
    public async Task ASilentRecordingTheProviderCallsAbsentIsNoVoicemail()
    {
        await VoicemailOnAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();

        await RecordingDoneAsync(answer, call.CallSid, _api.AddRecording([]), 0, status: "absent");

        Assert.Null((await CallAsync(callId))["voicemail"]);
    }

    [Fact]
    public async Task AfterTheRetentionTheRecordingIsDeletedAtTheProviderAndForgottenButTheCallKeepsItsLength()
    {
        await VoicemailOnAsync(transcribe: true, retentionDays: 2);
        await EventsToTheReceiverAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();
        var recordingSid = _api.AddRecording(Audio);
        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 23);
        await TranscribedAsync(answer, call.CallSid, recordingSid, "Call me back.");
        var link = new Uri((await EventsAsync(2))[1]["voicemail"]!.Text("audioUrl")).AbsolutePath;

        _app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await SweepAsync());
        _api.ResourceOutage = HttpStatusCode.InternalServerError;
        _app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await SweepAsync());
        Assert.True(_api.Recordings.ContainsKey(recordingSid));
        Assert.NotNull((await CallAsync(callId))["voicemail"]!["audioUrl"]);

        _api.ResourceOutage = null;
        Assert.Equal(1, await SweepAsync());

        Assert.False(_api.Recordings.ContainsKey(recordingSid));
        Assert.Contains(
            _api.ResourceRequests,
            r => r.StartsWith(
                $"DELETE /2010-04-01/Accounts/{FakeTwilioApi.AccountSid}/Recordings/{recordingSid}.json " +
                $"as {FakeTwilioApi.AccountSid}",
                StringComparison.Ordinal));
        var shown = (await CallAsync(callId))["voicemail"]!;
        Assert.Equal(23, shown["durationSeconds"]!.GetValue<int>());
        Assert.Null(shown["transcript"]);
        Assert.Null(shown["audioUrl"]);
        Assert.Equal(
            HttpStatusCode.Gone,
            (await _org.Admin.GetAsync($"{_org.Path}/calls/{callId}/voicemail")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _app.CreateClient().GetAsync(link)).StatusCode);
    }

    [Fact]
    public async Task AProviderThatFailsOrIsSlowGivesAProblemNotTheAudioAndTheVoicemailStays()
    {
        await VoicemailOnAsync();
        var (call, answer, callId) = await AgentDoesNotAnswerAsync();
        var recordingSid = _api.AddRecording(Audio);
        await RecordingDoneAsync(answer, call.CallSid, recordingSid, 23);
        var url = $"{_org.Path}/calls/{callId}/voicemail";

        _api.ResourceOutage = HttpStatusCode.InternalServerError;
        var failing = await _org.Admin.GetAsync(url);
        var problem = await ProblemAsync(failing, HttpStatusCode.BadGateway);
        Assert.DoesNotContain("127.0.0.1", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeTwilioApi.AccountSid, problem.ToJsonString(), StringComparison.Ordinal);

        _api.ResourceOutage = null;
        _api.Delay = TimeSpan.FromSeconds(4);
        await ProblemAsync(await _org.Admin.GetAsync(url), HttpStatusCode.GatewayTimeout);

        _api.Delay = null;
        _api.Recordings.TryRemove(recordingSid, out _);
        Assert.Equal(HttpStatusCode.Gone, (await _org.Admin.GetAsync(url)).StatusCode);
        Assert.Equal(23, (await CallAsync(callId))["voicemail"]!["durationSeconds"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/voicemails/1/99999999999/x")]
    [InlineData("/voicemails/1/1/%0d%0a%20%3Cscript%3E")]
    [InlineData("/voicemails/-1/-1/AAAA")]
    [InlineData("/voicemails/9223372036854775807/9223372036854775807/%F0%9F%98%80")]
    public async Task AHostileLinkIsNotFoundNeverAnError(string path)
    {
        var response = await _app.CreateClient().GetAsync(path + new string('A', 2000));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex(@"/calls/(\d+)/")]
    private static partial Regex CallIdIn();
}
