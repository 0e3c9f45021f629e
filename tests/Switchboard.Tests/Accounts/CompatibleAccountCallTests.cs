using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Network;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// An organization's own Twilio or SignalWire account is reached at its <c>apiBaseUrl</c> through the network guard,
/// when a call is placed and when a recording is read: a name that pointed at a public address when the account was
/// saved and at loopback now is refused with a 502 that names neither host nor address, and nothing reaches the API.
/// The global accounts (the operator's configuration) are not guarded.
/// </summary>
[Trait("Database", "yes")]
public sealed class CompatibleAccountCallTests : IAsyncLifetime
{
    private const string Number = "+14155550100";
    private const string Contact = "+14155550199";
    private const string AgentPhone = "+14155550111";

    /// <summary>
    /// A name the machine itself resolves to loopback, so that only the guard (which asks the test's DNS) stops a
    /// request sent to it; the test's DNS says it is public when the account is saved.
    /// </summary>
    private const string ReboundHost = "localhost";

    private readonly SwitchboardApp _app = new();
    private readonly PlayedDns _dns = new();
    private FakeTwilioApi _globalTwilio = null!;
    private FakeTwilioApi _ownTwilio = null!;
    private FakeSignalWireApi _globalSignalWire = null!;
    private FakeSignalWireApi _ownSignalWire = null!;
    private TestOrganization _org = null!;
    private long _alice;

    public async Task InitializeAsync()
    {
        _globalTwilio = await FakeTwilioApi.StartAsync();
        _ownTwilio = await FakeTwilioApi.StartAsync(ProviderAccountTests.OrgToken);
        _globalSignalWire = await FakeSignalWireApi.StartAsync();
        _ownSignalWire = await FakeSignalWireApi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _globalTwilio.DisposeAsync();
        await _ownTwilio.DisposeAsync();
        await _globalSignalWire.DisposeAsync();
        await _ownSignalWire.DisposeAsync();
    }

    /// <summary>
    /// Starts the app with <paramref name="outbound"/> as the global provider, loopback allowed for providers' APIs
    /// (as for a test's fake) or not.
    /// </summary>
    private async Task StartAsync(string outbound, bool allowLoopback)
    {
        if (allowLoopback)
        {
            _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        }

        _globalTwilio.Configure(_app);
        _globalSignalWire.Configure(_app);
        _app.Settings["Switchboard:Provider"] = outbound;
        _app.Replacements.Add(services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(_dns)));
        _org = await TestOrganization.CreateAsync(_app, "Own Compatible Org");
        _alice = await _org.CreateAgentAsync("Alice", AgentPhone);
        await _org.AddNumberAsync(Number, groupId: await _org.CreateGroupAsync());
        await _org.TextAsync(_alice, Contact, Number, _app.Clock.GetUtcNow().AddHours(-1));
    }

    private async Task SetAccountAsync(object account)
    {
        var response = await _app.Operator().PutAsJsonAsync($"{_org.Path}/provider", account);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task SetTwilioAsync(string apiBaseUrl) => SetAccountAsync(new
    {
        provider = "twilio",
        accountSid = FakeTwilioApi.AccountSid,
        authToken = ProviderAccountTests.OrgToken,
        apiBaseUrl,
    });

    private Task SetSignalWireAsync(string apiBaseUrl) => SetAccountAsync(new
    {
        provider = "signalwire",
        space = "own-space",
        projectId = FakeSignalWireApi.ProjectId,
        apiToken = FakeSignalWireApi.ApiToken,
        signingKey = "PSKown-signing-key-0001",
        apiBaseUrl,
    });

    /// <summary>The URL of <paramref name="baseUrl"/>'s port at a host the test's DNS says is public.</summary>
    private string Rebound(string baseUrl)
    {
        _dns.Answer(ReboundHost, IPAddress.Parse("203.0.113.10"));
        return $"http://{ReboundHost}:{new Uri(baseUrl).Port}";
    }

    private void ReboundToLoopback() => _dns.Answer(ReboundHost, IPAddress.Loopback);

    private Task<HttpResponseMessage> CallContactAsync() =>
        _org.Admin.PostAsJsonAsync($"{_org.Path}/calls", new { agentId = _alice, contact = Contact });

    private static async Task AssertRefusedWithoutAddressAsync(HttpResponseMessage refused)
    {
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.BadGateway, problem);
        Assert.DoesNotContain(ReboundHost, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgentsCallGoesToTheOrganizationsOwnSignalWireApi()
    {
        await StartAsync("Twilio", allowLoopback: true);
        await SetSignalWireAsync(_ownSignalWire.BaseUrl + "/api/laml");

        var started = await CallContactAsync();

        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var created = Assert.Single(_ownSignalWire.Created);
        Assert.Equal(AgentPhone, created.To);
        Assert.Empty(_globalSignalWire.Created);
        Assert.Empty(_globalTwilio.Received);
    }

    [Fact]
    public async Task ATwilioApiBaseUrlThatNowResolvesToLoopbackIsRefusedWhenTheCallIsPlaced()
    {
        await StartAsync("Twilio", allowLoopback: false);
        await SetTwilioAsync(Rebound(_ownTwilio.BaseUrl));
        ReboundToLoopback();

        await AssertRefusedWithoutAddressAsync(await CallContactAsync());
        Assert.Empty(_ownTwilio.Received);
        Assert.Empty(_globalTwilio.Received);
    }

    [Fact]
    public async Task ASignalWireApiBaseUrlThatNowResolvesToLoopbackIsRefusedWhenTheCallIsPlaced()
    {
        await StartAsync("SignalWire", allowLoopback: false);
        await SetSignalWireAsync(Rebound(_ownSignalWire.BaseUrl) + "/api/laml");
        ReboundToLoopback();

        await AssertRefusedWithoutAddressAsync(await CallContactAsync());
        Assert.Empty(_ownSignalWire.Created);
        Assert.Empty(_globalSignalWire.Created);
    }

    [Fact]
    public async Task AVoicemailsAudioIsNotReadFromATwilioApiBaseUrlThatNowResolvesToLoopback()
    {
        await StartAsync("Twilio", allowLoopback: false);
        await SetTwilioAsync(Rebound(_ownTwilio.BaseUrl));
        var inbound = await _app.Provider(ProviderAccountTests.OrgToken).CallAsync(Contact, Number);
        var callId = (await _org.CallsAsync()).Select(c => c!.Id()).Max();
        var recording = await _app.Provider(ProviderAccountTests.OrgToken)
            .PostAsync($"/webhooks/twilio/calls/{callId}/voicemail/recording", new()
            {
                ["CallSid"] = inbound.CallSid,
                ["RecordingSid"] = _ownTwilio.AddRecording([1, 2, 3, 4]),
                ["RecordingStatus"] = "completed",
                ["RecordingDuration"] = "12",
            });
        Assert.Equal(HttpStatusCode.OK, recording.Status);
        ReboundToLoopback();

        var audio = await _org.Admin.GetAsync($"{_org.Path}/calls/{callId}/voicemail");

        var problem = await audio.Content.ReadAsStringAsync();
        Assert.True(audio.StatusCode == HttpStatusCode.BadGateway, $"{audio.StatusCode}: {problem}");
        Assert.DoesNotContain(ReboundHost, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
        Assert.Empty(_ownTwilio.ResourceRequests);
        Assert.DoesNotContain(
            _globalTwilio.ResourceRequests,
            r => r.Contains("/Recordings/", StringComparison.Ordinal));
    }

    /// <summary>DNS as the test plays it: each name answers what it was last told; others are looked up.</summary>
    private sealed class PlayedDns : IHostResolver
    {
        private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

        public void Answer(string host, params IPAddress[] addresses) => _names[host] = addresses;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            _names.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses)
                : new DnsHostResolver().ResolveAsync(host, ct);
    }
}
