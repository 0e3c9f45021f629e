using System.Net;
using System.Net.Http.Json;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// A webhook is verified with the account of the organization that owns the called number (or the call): another
/// organization's token cannot drive its calls, and an organization with an account of its own places calls and reads
/// its recordings with that account, which the fake provider checks in its Basic auth.
/// </summary>
[Trait("Database", "yes")]
public sealed class OrganizationAccountWebhookTests : IAsyncLifetime
{
    public const string OtherToken = "other-org-auth-token-51be";
    private const string OwnNumber = "+14155550100";
    private const string OtherNumber = "+14155550200";
    private const string GlobalNumber = "+14155550300";
    private const string Contact = "+14155550199";

    private readonly SwitchboardApp _app = new();
    private FakeTwilioApi _twilio = null!;
    private TestOrganization _own = null!;
    private TestOrganization _other = null!;
    private TestOrganization _global = null!;
    private string _ownSid = "";
    private long _alice;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioApi.StartAsync();
        _twilio.Configure(_app);
        _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        _ownSid = _twilio.AddAccount(ProviderAccountTests.OrgToken);
        var otherSid = _twilio.AddAccount(OtherToken);

        _own = await TestOrganization.CreateAsync(_app, "Own Account Org");
        _other = await TestOrganization.CreateAsync(_app, "Other Account Org");
        _global = await TestOrganization.CreateAsync(_app, "Global Account Org");
        await SetAccountAsync(_own, _ownSid, ProviderAccountTests.OrgToken);
        await SetAccountAsync(_other, otherSid, OtherToken);

        var group = await _own.CreateGroupAsync();
        _alice = await _own.CreateAgentAsync("Alice", "+14155550111");
        await _own.AddNumberAsync(OwnNumber, groupId: group);
        await _own.TextAsync(_alice, Contact, OwnNumber, _app.Clock.GetUtcNow().AddHours(-1));
        await _other.AddNumberAsync(OtherNumber);
        await _global.AddNumberAsync(GlobalNumber);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private async Task SetAccountAsync(TestOrganization org, string sid, string token) =>
        Assert.Equal(HttpStatusCode.OK, (await _app.Operator().PutAsJsonAsync($"{org.Path}/provider",
            new
            {
                provider = "twilio",
                accountSid = sid,
                authToken = token,
                apiBaseUrl = _twilio.BaseUrl,
            })).StatusCode);

    [Fact]
    public async Task AnotherOrganizationsTokenCannotSignAWebhookForThisOrganizationsNumber()
    {
        var forged = await _app.Provider(OtherToken).CallAsync(Contact, OwnNumber);
        var global = await _app.Provider().CallAsync(Contact, OwnNumber);
        var own = await _app.Provider(ProviderAccountTests.OrgToken).CallAsync(Contact, OwnNumber);

        Assert.Equal(HttpStatusCode.Forbidden, forged.Answer.Status);
        Assert.Equal(HttpStatusCode.Forbidden, global.Answer.Status);
        Assert.Equal(HttpStatusCode.OK, own.Answer.Status);
        Assert.Equal(["Dial"], own.Answer.Verbs);
        // The agent's leg of that call is the organization's too: its webhooks need the same key.
        Assert.Equal(HttpStatusCode.OK, (await own.AgentAnswersAsync()).Status);
        Assert.Single(await _own.CallsAsync());
    }

    [Fact]
    public async Task AnOrganizationWithoutAnAccountOfItsOwnIsVerifiedWithTheGlobalToken()
    {
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await _app.Provider(OtherToken).CallAsync(Contact, GlobalNumber)).Answer.Status);
        Assert.Equal(HttpStatusCode.OK, (await _app.Provider().CallAsync(Contact, GlobalNumber)).Answer.Status);

        // Back to the global account: the organization's own token no longer signs for it.
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await _app.Operator().DeleteAsync($"{_other.Path}/provider")).StatusCode);
        Assert.Equal(
            HttpStatusCode.Forbidden,
            (await _app.Provider(OtherToken).CallAsync(Contact, OtherNumber)).Answer.Status);
        Assert.Equal(HttpStatusCode.OK, (await _app.Provider().CallAsync(Contact, OtherNumber)).Answer.Status);
    }

    [Fact]
    public async Task AnAgentsCallAndAVoicemailsAudioUseTheOrganizationsOwnAccount()
    {
        var started = await _own.Admin.PostAsJsonAsync(
            $"{_own.Path}/calls",
            new { agentId = _alice, contact = Contact });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var created = Assert.Single(_twilio.Created);
        Assert.Equal(_ownSid, created.User);
        Assert.Equal(_ownSid, created.AccountSidInPath);

        // The provider calls back about that call, signing with the organization's token; the global one is refused.
        var outbound = new TwilioProvider(_app.CreateClient(), ProviderAccountTests.OrgToken).Outbound(created);
        Assert.Equal(HttpStatusCode.OK, (await outbound.AgentAnswersAsync()).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.Provider().Outbound(created).AgentAnswersAsync()).Status);

        var inbound = await _app.Provider(ProviderAccountTests.OrgToken).CallAsync(Contact, OwnNumber);
        var callId = (await _own.CallsAsync()).Select(c => c!.Id()).Max();
        var recording = await _app.Provider(ProviderAccountTests.OrgToken)
            .PostAsync($"/webhooks/twilio/calls/{callId}/voicemail/recording", new()
            {
                ["CallSid"] = inbound.CallSid,
                ["RecordingSid"] = _twilio.AddRecording([1, 2, 3, 4]),
                ["RecordingStatus"] = "completed",
                ["RecordingDuration"] = "12",
            });
        Assert.Equal(HttpStatusCode.OK, recording.Status);

        var audio = await _own.Admin.GetAsync($"{_own.Path}/calls/{callId}/voicemail");
        Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        Assert.Equal([1, 2, 3, 4], await audio.Content.ReadAsByteArrayAsync());
        Assert.Contains(
            _twilio.ResourceRequests,
            r => r.StartsWith("GET ", StringComparison.Ordinal)
                && r.EndsWith($"as {_ownSid}", StringComparison.Ordinal));
    }
}
