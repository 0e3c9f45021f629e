using System.Net;
using Switchboard.Tests.Support;
using Switchboard.Twilio;

namespace Switchboard.Tests.Twilio;

/// <summary>
/// Forged webhooks change nothing; signed ones always get TwiML that ends the call politely, never a 5xx.
/// </summary>
[Trait("Database", "yes")]
public sealed class WebhookSafetyTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Contact = "+14155550199";
    private const string AlicePhone = "+14155550111";

    private readonly SwitchboardApp _app = new();
    private TestOrganization _org = null!;
    private TwilioProvider _provider = null!;

    public async Task InitializeAsync()
    {
        _org = await TestOrganization.CreateAsync(_app);
        _provider = _app.Provider();
        var group = await _org.CreateGroupAsync();
        var alice = await _org.CreateAgentAsync("Alice", AlicePhone);
        await _org.AddNumberAsync(GroupNumber, groupId: group);
        await _org.TextAsync(alice, Contact, GroupNumber, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private static Dictionary<string, string> VoiceForm(string? from = Contact, string? to = GroupNumber)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = "CA" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = "ACtest",
            ["CallStatus"] = "ringing",
        };
        if (from is not null)
        {
            form["From"] = from;
        }

        if (to is not null)
        {
            form["To"] = to;
        }

        return form;
    }

    [Fact]
    public async Task WebhookWithoutSignatureIsRefusedAndNothingIsStored()
    {
        var answer = await _provider.SendAsync(
            SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice",
            VoiceForm(),
            signature: null);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task WebhookWithAWrongSignatureIsRefusedAndNothingIsStored()
    {
        var answer = await _provider.PostAsync(
            "/webhooks/twilio/voice",
            VoiceForm(),
            signature: "bm90IGEgc2lnbmF0dXJl");

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task WebhookSignedWithAnotherTokenIsRefused()
    {
        var form = VoiceForm();
        var url = SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice";

        var answer = await _provider.SendAsync(url, form, TwilioSignature.Compute("someone-elses-token", url, form));

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
    }

    [Fact]
    public async Task WebhookSignedForAnotherUrlIsRefused()
    {
        var form = VoiceForm();

        var answer = await _provider.SendAsync(
            SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice",
            form,
            TwilioSignature.Compute(SwitchboardApp.AuthToken, "http://calls.example.org/webhooks/twilio/voice", form));

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
    }

    [Fact]
    public async Task WebhookWhoseFieldsWereChangedAfterSigningIsRefused()
    {
        var form = VoiceForm();
        var url = SwitchboardApp.PublicBaseUrl + "/webhooks/twilio/voice";
        var signature = TwilioSignature.Compute(SwitchboardApp.AuthToken, url, form);
        form["From"] = "+14155550666";

        var answer = await _provider.SendAsync(url, form, signature);

        Assert.Equal(HttpStatusCode.Forbidden, answer.Status);
        Assert.Empty(await _org.CallsAsync());
    }

    [Fact]
    public async Task ForgedScreeningAnswerCannotAcceptACall()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        var prompt = await call.AgentAnswersAsync();
        var form = new Dictionary<string, string> { ["CallSid"] = call.AgentCallSid, ["Digits"] = "1" };

        var forged = await _provider.SendAsync(prompt.Attribute("Gather", "action"), form, "Zm9yZ2Vk");

        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(JsonNull, (await _org.CallsAsync())[0]!["screening"]?.ToJsonString() ?? JsonNull);
    }

    private const string JsonNull = "null";

    [Theory]
    [InlineData("anonymous", GroupNumber)]
    [InlineData("", GroupNumber)]
    [InlineData(Contact, "")]
    [InlineData(Contact, "not-a-number")]
    [InlineData("client:alice", "sip:foo@example.org")]
    public async Task MalformedCallerOrCalledNumberGetsValidTwiMLThatEndsTheCall(string from, string to)
    {
        var answer = await _provider.PostAsync("/webhooks/twilio/voice", VoiceForm(from, to));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["Reject"], answer.Verbs);
    }

    [Fact]
    public async Task MissingCallerAndCalledFieldsGetValidTwiMLThatEndsTheCall()
    {
        var answer = await _provider.PostAsync("/webhooks/twilio/voice", VoiceForm(from: null, to: null));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["Reject"], answer.Verbs);
    }

    [Fact]
    public async Task MissingCallSidGetsAPoliteGoodbye()
    {
        var form = VoiceForm();
        form.Remove("CallSid");

        var answer = await _provider.PostAsync("/webhooks/twilio/voice", form);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["Say", "Hangup"], answer.Verbs);
    }

    [Fact]
    public async Task CallbackForAnUnknownCallStillAnswersTwiML()
    {
        var screen = await _provider.PostAsync("/webhooks/twilio/calls/999999/screen", new() { ["CallSid"] = "CAx" });
        var dialEnded = await _provider.PostAsync(
            "/webhooks/twilio/calls/999999/dial-ended",
            new() { ["CallSid"] = "CAx", ["DialCallStatus"] = "completed" });
        var status = await _provider.PostAsync(
            "/webhooks/twilio/calls/999999/status/agent",
            new() { ["CallSid"] = "CAx", ["CallStatus"] = "ringing" });

        Assert.Equal(["Hangup"], screen.Verbs);
        Assert.Equal(["Say", "Hangup"], dialEnded.Verbs);
        Assert.Equal(HttpStatusCode.OK, status.Status);
        Assert.Empty(status.Verbs);
    }

    [Fact]
    public async Task DatabaseUnavailableStillAnswersTwiMLThatEndsTheCallPolitely()
    {
        await _app.MakeDatabaseUnavailableAsync();

        var answer = await _provider.PostAsync("/webhooks/twilio/voice", VoiceForm());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("text/xml", answer.MediaType);
        Assert.Equal(["Say", "Hangup"], answer.Verbs);
        Assert.Contains(
            _app.Logs.Lines,
            line => line.StartsWith("Error", StringComparison.Ordinal)
                && line.Contains("answering the caller politely"));
    }

    [Fact]
    public async Task LogsNeverHoldAFullPersonalNumber()
    {
        var call = await _provider.CallAsync(Contact, GroupNumber);
        await call.AgentPressesAsync("1");
        await call.DialEndsAsync("completed", bridged: true);
        await _provider.CallAsync("+14155550666", GroupNumber);

        Assert.NotEmpty(_app.Logs.Lines);
        foreach (var line in _app.Logs.Lines)
        {
            Assert.DoesNotContain(Contact, line);
            Assert.DoesNotContain("4155550199", line);
            Assert.DoesNotContain(AlicePhone, line);
            Assert.DoesNotContain("4155550666", line);
        }
    }
}
