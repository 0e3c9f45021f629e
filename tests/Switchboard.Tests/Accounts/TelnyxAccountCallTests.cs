using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Network;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Accounts;

/// <summary>
/// An organization with a Telnyx account of its own places its agents' calls at that account's <c>apiBaseUrl</c>
/// with its key, never at the global Telnyx API; and that URL is dialled through the network guard, so a name that
/// pointed at a public address when the account was saved and at loopback now is refused, and nothing is sent.
/// </summary>
[Trait("Database", "yes")]
public sealed class TelnyxAccountCallTests : IAsyncLifetime
{
    private const string OwnKey = "KEYorganization-own-telnyx-key";
    private const string OwnApplication = "9876543210987654321";
    private const string Number = "+14155550100";
    private const string Contact = "+14155550199";
    private const string AgentPhone = "+14155550111";

    /// <summary>
    /// A name the machine itself resolves to loopback, so that only the guard (which asks the test's DNS) stops a call
    /// sent to it; the test's DNS says it is public when the account is saved.
    /// </summary>
    private const string ReboundHost = "localhost";

    private readonly SwitchboardApp _app = new();
    private readonly PlayedDns _dns = new();
    private FakeTelnyxApi _global = null!;
    private FakeTelnyxApi _own = null!;
    private TestOrganization _org = null!;
    private long _alice;

    public async Task InitializeAsync()
    {
        _global = await FakeTelnyxApi.StartAsync();
        _own = await FakeTelnyxApi.StartAsync(OwnKey, OwnApplication);
    }

    /// <summary>Starts the app, with loopback allowed for providers' APIs (as for a test's fake), or not.</summary>
    private async Task StartAsync(bool allowLoopback)
    {
        if (allowLoopback)
        {
            _app.Settings[ProviderAccountTests.AllowedNetworks] = "127.0.0.0/8";
        }

        _global.Configure(_app);
        _app.Settings["Switchboard:Telnyx:PublicKey"] = TelnyxPlay.PublicKey;
        _app.Settings["Switchboard:Provider"] = "Telnyx";
        _app.Replacements.Add(services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(_dns)));
        _org = await TestOrganization.CreateAsync(_app, "Own Telnyx Org");
        _alice = await _org.CreateAgentAsync("Alice", AgentPhone);
        await _org.AddNumberAsync(Number, groupId: await _org.CreateGroupAsync());
        await _org.TextAsync(_alice, Contact, Number, _app.Clock.GetUtcNow().AddHours(-1));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _global.DisposeAsync();
        await _own.DisposeAsync();
    }

    private async Task SetAccountAsync(string apiBaseUrl)
    {
        var response = await _app.Operator().PutAsJsonAsync(
            $"{_org.Path}/provider",
            new
            {
                provider = "telnyx",
                apiKey = OwnKey,
                publicKey = TelnyxPlay.PublicKey,
                applicationId = OwnApplication,
                apiBaseUrl,
            });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> CallContactAsync() =>
        _org.Admin.PostAsJsonAsync($"{_org.Path}/calls", new { agentId = _alice, contact = Contact });

    [Fact]
    public async Task AnAgentsCallGoesToTheOrganizationsOwnTelnyxApiWithItsKey()
    {
        await StartAsync(allowLoopback: true);
        await SetAccountAsync(_own.BaseUrl);

        var started = await CallContactAsync();

        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var created = Assert.Single(_own.Created);
        Assert.Equal(AgentPhone, created.To);
        Assert.Equal(Number, created.From);
        Assert.Empty(_global.Created);
    }

    [Fact]
    public async Task AnApiBaseUrlThatNowResolvesToLoopbackIsRefusedWhenTheCallIsPlaced()
    {
        await StartAsync(allowLoopback: false);
        var port = new Uri(_own.BaseUrl).Port;
        _dns.Answer(ReboundHost, IPAddress.Parse("203.0.113.10"));
        await SetAccountAsync($"http://{ReboundHost}:{port}");
        _dns.Answer(ReboundHost, IPAddress.Loopback);

        var refused = await CallContactAsync();

        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.DoesNotContain(ReboundHost, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", problem, StringComparison.Ordinal);
        Assert.Empty(_own.Created);
        Assert.Empty(_global.Created);
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
