using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Switchboard.Bandwidth;
using Switchboard.Calls;
using Switchboard.Routing;
using Switchboard.Tests.Api;
using Switchboard.Tests.Support;
using Switchboard.Twilio;

namespace Switchboard.Tests.Bandwidth;

/// <summary>
/// How Bandwidth's webhooks are let in: Basic auth with the application's callback credentials, checked before
/// anything is read or stored; no credentials get 401 with a challenge, wrong ones 403, a body that is not a JSON
/// event 400 or 413, each with BXML and never a 5xx. And what a Bandwidth call is answered with, and placed through.
/// </summary>
[Trait("Database", "yes")]
public sealed class BandwidthWebhookTests : IDisposable
{
    private const string GroupNumber = "+14155550100";
    private const string Caller = "+14155550199";

    private readonly SwitchboardApp _app = new();

    public BandwidthWebhookTests()
    {
        _app.Settings["Switchboard:Bandwidth:CallbackUsername"] = BandwidthPlay.CallbackUsername;
        _app.Settings["Switchboard:Bandwidth:CallbackPassword"] = BandwidthPlay.CallbackPassword;
    }

    public void Dispose() => _app.Dispose();

    private static string Initiate(string to = GroupNumber, string? verstat = null, string? callId = null) =>
        $$"""
        {"eventType":"initiate","eventTime":"2026-12-01T06:00:00.000Z","accountId":"9900001",
         "applicationId":"a1b2c3d4-0000-4000-8000-000000000001","from":"{{Caller}}","to":"{{to}}",
         "direction":"inbound","callId":"{{callId ?? $"c-{Guid.NewGuid():N}"}}","startTime":"2026-12-01T06:00:00.000Z"
         {{(verstat is null ? "" : $$$""","stirShaken":{"verstat":"{{{verstat}}}","attestationIndicator":"A"}""")}}}
        """;

    private async Task<(HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers)>
        PostAsync(string path, string body, AuthenticationHeaderValue? authorization,
            string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        request.Headers.Authorization = authorization;
        using var response = await _app.CreateClient().SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", BandwidthPlay.BasicAuth(user, password));

    private static AuthenticationHeaderValue Signed => Basic(BandwidthPlay.CallbackUsername,
        BandwidthPlay.CallbackPassword);

    private static IReadOnlyList<string> Verbs(string body) =>
        XDocument.Parse(body).Root!.Elements().Select(e => e.Name.LocalName).ToList();

    [Fact]
    public async Task InitiateSignedInWithTheCallbackCredentialsIsAnsweredInBxml()
    {
        var answer = await PostAsync("/webhooks/bandwidth/voice", Initiate(to: "+14155559999"), Signed);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("application/xml", answer.MediaType);
        Assert.Empty(FakeBandwidthApi.BxmlProblems(answer.Body));
        // No Reject verb in BXML: an unknown number's call is hung up before it is answered.
        Assert.Equal(["Hangup"], Verbs(answer.Body));
    }

    [Fact]
    public async Task InitiateWithoutCredentialsGets401WithABasicChallengeAndLeavesNoCall()
    {
        var org = await TestOrganization.CreateAsync(_app);
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());

        var answer = await PostAsync("/webhooks/bandwidth/voice", Initiate(), authorization: null);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Basic", answer.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("Response", XDocument.Parse(answer.Body).Root!.Name.LocalName);
        Assert.Empty(await org.CallsAsync());
    }

    [Theory]
    [InlineData(BandwidthPlay.CallbackUsername, "wrong-password")]
    [InlineData("someone-else", BandwidthPlay.CallbackPassword)]
    [InlineData(FakeBandwidthApi.Username, FakeBandwidthApi.Password)]
    public async Task InitiateWithOtherCredentialsGets403AndLeavesNoCall(string user, string password)
    {
        var org = await TestOrganization.CreateAsync(_app);
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());

        var answer = await PostAsync("/webhooks/bandwidth/voice", Initiate(), Basic(user, password));

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Equal("Response", XDocument.Parse(answer.Body).Root!.Name.LocalName);
        Assert.Empty(await org.CallsAsync());
    }

    [Fact]
    public async Task WithoutConfiguredCallbackCredentialsEveryBandwidthWebhookIsRefused()
    {
        _app.Settings["Switchboard:Bandwidth:CallbackUsername"] = "";
        _app.Settings["Switchboard:Bandwidth:CallbackPassword"] = "";

        var answer = await PostAsync("/webhooks/bandwidth/voice", Initiate(), Basic(":", ""));

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
    }

    [Fact]
    public async Task ATwilioSignatureOrABearerTokenDoesNotSignInToBandwidthsWebhooks()
    {
        var body = Initiate();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/bandwidth/voice")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(SwitchboardApp.AuthToken,
            SwitchboardApp.PublicBaseUrl + "/webhooks/bandwidth/voice", []));
        using var twilio = await _app.CreateClient().SendAsync(request);

        var bearer = await PostAsync("/webhooks/bandwidth/voice", body,
            new AuthenticationHeaderValue("Bearer", BandwidthPlay.CallbackPassword));

        Assert.Equal(HttpStatusCode.Unauthorized, twilio.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bearer.Status);
    }

    [Theory]
    [InlineData("CallSid=c-1&From=%2B14155550199&To=%2B14155550100", "application/x-www-form-urlencoded", 400)]
    [InlineData("[1, 2, 3]", "application/json", 400)]
    [InlineData("{\"eventType\": ", "application/json", 400)]
    [InlineData("\"initiate\"", "application/json", 400)]
    public async Task ASignedBodyThatIsNotAJsonEventGetsBxmlAndNoCall(string body, string contentType, int status)
    {
        var answer = await PostAsync("/webhooks/bandwidth/voice", body, Signed, contentType);

        Assert.Equal(status, (int)answer.Status);
        Assert.Equal(["SpeakSentence", "Hangup"], Verbs(answer.Body));
    }

    [Fact]
    public async Task ASignedBodyOverTheWebhookLimitGets413()
    {
        var body = $$"""{"eventType":"initiate","callId":"c-1","tag":"{{new string('x', 70_000)}}"}""";

        var answer = await PostAsync("/webhooks/bandwidth/voice", body, Signed);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Equal("Response", XDocument.Parse(answer.Body).Root!.Name.LocalName);
    }

    [Fact]
    public async Task AnInitiateWithoutACallIdEndsTheCallPolitely()
    {
        var answer = await PostAsync(
            "/webhooks/bandwidth/voice", """{"eventType":"initiate","callId":42,"to":[],"from":{}}""", Signed);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["SpeakSentence", "Hangup"], Verbs(answer.Body));
    }

    [Theory]
    [InlineData("hangup", CallStatus.Completed)]
    [InlineData("busy", CallStatus.Busy)]
    [InlineData("rejected", CallStatus.Busy)]
    [InlineData("timeout", CallStatus.NoAnswer)]
    [InlineData("cancel", CallStatus.Canceled)]
    [InlineData("invalid-bxml", CallStatus.Failed)]
    [InlineData("callback-error", CallStatus.Failed)]
    [InlineData("account-limit", CallStatus.Failed)]
    [InlineData("error", CallStatus.Failed)]
    [InlineData("unknown", CallStatus.Failed)]
    [InlineData("something-new", null)]
    [InlineData(null, null)]
    public void ParseCause_DocumentedCause_IsTheStatusTheLegEndedIn(string? cause, CallStatus? expected) =>
        Assert.Equal(expected, BandwidthEvent.ParseCause(cause));

    [Theory]
    [InlineData("""{"verstat":"TN-Validation-Passed","attestationIndicator":"A"}""", CallerVerification.Passed)]
    [InlineData("""{"verstat":"TN-Validation-Failed","attestationIndicator":"C"}""", CallerVerification.Failed)]
    [InlineData("""{"verstat":"TN-Validation-Passed-A"}""", CallerVerification.None)]
    [InlineData("""{"verstat":42}""", CallerVerification.None)]
    [InlineData("""{"attestationIndicator":"A"}""", CallerVerification.None)]
    [InlineData("\"TN-Validation-Failed\"", CallerVerification.None)]
    public void ParseStirShaken_DocumentedVerstat_IsTheVerdict(string stirShaken, CallerVerification expected)
    {
        using var json = JsonDocument.Parse(stirShaken);
        Assert.Equal(expected, BandwidthEvent.ParseStirShaken(json.RootElement).Verification);
    }

    /// <summary>
    /// A call to the group number, its 12 s voicemail recorded with a transcript asked for, and then Bandwidth's
    /// <c>transcriptionAvailable</c> with <paramref name="status"/> (its <c>transcription.url</c> points elsewhere);
    /// the Voice API holds <paramref name="transcript"/> for the recording. Answers the voicemail as the API shows it.
    /// </summary>
    private async Task<(HttpStatusCode Recorded, HttpStatusCode Transcribed, JsonNode Voicemail)> TranscribeAsync(
        string status, string[] transcript)
    {
        await using var bandwidth = await FakeBandwidthApi.StartAsync();
        bandwidth.Configure(_app);
        var org = await TestOrganization.CreateAsync(_app);
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());
        var callSid = $"c-{Guid.NewGuid():N}";
        await PostAsync("/webhooks/bandwidth/voice", Initiate(callId: callSid), Signed);
        var id = (await org.CallsAsync())[0]!["id"]!.GetValue<long>();
        var recordingId = bandwidth.AddRecording(callSid, [1, 2, 3]);
        bandwidth.Transcripts[(callSid, recordingId)] = transcript;
        string Event(string type, string? transcription)
        {
            var transcribed = transcription is null ? ""
                : $$""","transcription":{"id":"t-1","status":"{{transcription}}","url":"http://127.0.0.1:9/t"}""";
            return $$"""
                {"eventType":"{{type}}","callId":"{{callSid}}","recordingId":"{{recordingId}}","status":"complete",
                 "duration":"PT12S","from":"{{Caller}}","to":"{{GroupNumber}}"{{transcribed}}}
                """;
        }

        var recorded = await PostAsync(
            $"/webhooks/bandwidth/calls/{id}/voicemail/recording?transcribe=true", Event("recordingAvailable", null),
            Signed);
        var transcribed = await PostAsync(
            $"/webhooks/bandwidth/calls/{id}/voicemail/transcription", Event("transcriptionAvailable", status),
            Signed);
        var voicemail = (await org.Admin.GetJsonAsync($"{org.Path}/calls/{id}"))["voicemail"]!;
        return (recorded.Status, transcribed.Status, voicemail);
    }

    [Fact]
    public async Task AVoicemailsTranscriptIsReadFromTheVoiceApiByIdsNeverFromTheEventsUrl()
    {
        var (recorded, transcribed, shown) = await TranscribeAsync("available", ["Hi, it's Sam.", "Call me back."]);

        Assert.Equal(HttpStatusCode.OK, recorded);
        Assert.Equal(HttpStatusCode.OK, transcribed);
        Assert.Equal("Hi, it's Sam. Call me back.", shown["transcript"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATranscriptionThatFailedLeavesTheVoicemailWithoutATranscriptAndReadsNothing()
    {
        var (_, failed, shown) = await TranscribeAsync("timeout", ["Never read."]);

        Assert.Equal(HttpStatusCode.OK, failed);
        Assert.Null(shown["transcript"]);
        Assert.Equal(12, shown["durationSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnOrganizationThatRejectsFailedVerificationHangsUpOnlyOnBandwidthsFailedVerstat()
    {
        var org = await TestOrganization.CreateAsync(_app);
        var agent = await org.CreateAgentAsync("Alice", "+14155550111");
        await org.AddNumberAsync(GroupNumber, groupId: await org.CreateGroupAsync());
        await org.TextAsync(agent, Caller, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
        await org.SetAsync("/call-options", new { rejectFailedVerification = true });

        var failed = await PostAsync("/webhooks/bandwidth/voice", Initiate(verstat: "TN-Validation-Failed"), Signed);
        var passed = await PostAsync("/webhooks/bandwidth/voice", Initiate(verstat: "TN-Validation-Passed"), Signed);
        var unsigned = await PostAsync("/webhooks/bandwidth/voice", Initiate(), Signed);

        Assert.Equal(["Hangup"], Verbs(failed.Body));
        Assert.Equal(["Transfer"], Verbs(passed.Body));
        Assert.Equal(["Transfer"], Verbs(unsigned.Body));
        var calls = await org.CallsAsync();
        Assert.Contains(calls, c => c!["reason"]!.GetValue<string>() == "verificationFailed"
            && c["verification"]!.GetValue<string>() == "TN-Validation-Failed");
        Assert.Contains(calls, c => c!["verification"]?.GetValue<string>() == "TN-Validation-Passed");
    }

    [Fact]
    public async Task AnAgentMadeCallRefusedByTheVoiceApiSaysWhyAndNothingRings()
    {
        await using var api = await FakeBandwidthApi.StartAsync();
        api.Configure(_app);
        _app.Settings["Switchboard:Provider"] = "Bandwidth";
        _app.Settings["Switchboard:Bandwidth:ApplicationId"] = "not-the-application";
        var org = await TestOrganization.CreateAsync(_app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", "+14155550111");
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Caller, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));

        var refused = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Caller });

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("Invalid applicationId", await refused.Content.ReadAsStringAsync());
        Assert.Empty(api.Created);
    }

    [Fact]
    public async Task AnAgentMadeCallIsPlacedWithTheApiUserAndTheCallbackCredentials()
    {
        await using var api = await FakeBandwidthApi.StartAsync();
        api.Configure(_app);
        _app.Settings["Switchboard:Provider"] = "Bandwidth";
        var org = await TestOrganization.CreateAsync(_app);
        var group = await org.CreateGroupAsync();
        var alice = await org.CreateAgentAsync("Alice", "+14155550111");
        await org.AddNumberAsync(GroupNumber, groupId: group);
        await org.TextAsync(alice, Caller, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));

        var placed = await org.Admin.PostAsJsonAsync($"{org.Path}/calls", new { agentId = alice, contact = Caller });

        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var call = Assert.Single(api.Created);
        Assert.Equal((BandwidthPlay.CallbackUsername, BandwidthPlay.CallbackPassword), (call.User, call.Password));
        var id = (await TestOrganization.ReadAsync(placed))["id"]!.GetValue<long>();
        Assert.Equal($"{SwitchboardApp.PublicBaseUrl}/webhooks/bandwidth/calls/{id}/outbound/answered", call.AnswerUrl);
        Assert.Equal($"{SwitchboardApp.PublicBaseUrl}/webhooks/bandwidth/calls/{id}/status/agent", call.DisconnectUrl);
    }
}
