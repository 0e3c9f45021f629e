using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Network;
using Switchboard.Tests.Support;
using static Switchboard.Tests.Api.ApiAnswers;

namespace Switchboard.Tests.Events;

/// <summary>
/// An organization's admin cannot make Switchboard reach into the operator's network through the events URL:
/// refused when saved, refused again on the address actually dialled, never redirected, and the deliveries list
/// says nothing about what lies behind.
/// </summary>
[Trait("Database", "yes")]
public sealed class EventsUrlGuardTests : IAsyncLifetime
{
    private const string GroupNumber = "+14155550100";
    private const string Stranger = "+14155550197";

    private readonly EventReceiver _receiver = EventReceiver.Down();
    private readonly PlayedDns _dns = new();
    private SwitchboardApp _app = new();
    private TestOrganization _org = null!;

    public Task InitializeAsync() => _receiver.UpAsync();

    /// <summary>
    /// Starts the app, with loopback allowed as an operator would allow an on-premises receiver, or not.
    /// </summary>
    private async Task StartAsync(bool allowLoopback = false)
    {
        if (allowLoopback)
        {
            EventReceiver.AllowIn(_app.Settings);
        }

        _app.Settings["Switchboard:CallEvents:PollInterval"] = "00:00:00.050";
        _app.Settings["Switchboard:CallEvents:Timeout"] = "00:00:00.500";
        _app.Replacements.Add(services => services.Replace(ServiceDescriptor.Singleton<IHostResolver>(_dns)));
        _org = await TestOrganization.CreateAsync(_app);
        await _org.AddNumberAsync(GroupNumber, groupId: await _org.CreateGroupAsync());
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _receiver.DisposeAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/events")]
    [InlineData("http://127.1/events")]
    [InlineData("http://10.0.0.5/events")]
    [InlineData("http://172.20.1.1/events")]
    [InlineData("http://192.168.0.10/events")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.1.1/events")]
    [InlineData("http://0.0.0.0:5000/events")]
    [InlineData("http://224.0.0.251/events")]
    [InlineData("http://[::1]/events")]
    [InlineData("http://[::]/events")]
    [InlineData("http://[fe80::1]/events")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://[ff02::1]/events")]
    [InlineData("http://[::ffff:127.0.0.1]/events")]
    [InlineData("http://2130706433/events")]
    [InlineData("http://0x7f.0.0.1/events")]
    public async Task EventsUrlOnAnInternalAddressIsRefusedNamingUrl(string url)
    {
        await StartAsync();
        var answer = await _org.Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url });

        var problem = await ProblemAsync(answer, HttpStatusCode.BadRequest);
        Assert.Equal(["url"], problem["errors"]!.AsObject().Select(e => e.Key).ToArray());
        Assert.Null((await _org.Admin.GetJsonAsync($"{_org.Path}/call-events"))["url"]);
    }

    [Fact]
    public async Task EventsUrlNamingAHostThatResolvesToLoopbackIsRefused()
    {
        await StartAsync();
        _dns.Answer("texting.example.net", IPAddress.Parse("203.0.113.9"), IPAddress.Parse("127.0.0.1"));

        Assert.Equal(
            ["url"],
            await ErrorFieldsAsync(
                await _org.Admin.PutAsJsonAsync(
                    $"{_org.Path}/call-events",
                    new { url = "http://texting.example.net/events" })));
        Assert.Equal(
            ["url"],
            await ErrorFieldsAsync(
                await _org.Admin.PutAsJsonAsync(
                    $"{_org.Path}/call-events",
                    new { url = $"http://localhost:{_receiver.Port}/switchboard/events" })));
    }

    [Fact]
    public async Task NameThatTurnsToLoopbackAfterItWasSavedIsRefusedWhenDialledAndTheListSaysOnlyThat()
    {
        await StartAsync();
        var url = $"http://texting.example.net:{_receiver.Port}/switchboard/events";
        _dns.Answer("texting.example.net", IPAddress.Parse("203.0.113.9"));
        await TestOrganization.ReadAsync(await _org.Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url }));
        _dns.Answer("texting.example.net", IPAddress.Loopback);

        await _app.Provider().CallAsync(Stranger, GroupNumber);

        var delivery = await FirstAttemptAsync();
        Assert.Equal("refused: address not allowed", delivery.Text("lastError"));
        Assert.Null(delivery["lastStatusCode"]);
        Assert.Empty(_receiver.Arrived);
    }

    [Fact]
    public async Task LoopbackReceiverAllowedByTheOperatorGetsEventsUntilTheAllowanceIsRemoved()
    {
        await StartAsync(allowLoopback: true);
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url }));
        await _app.Provider().CallAsync(Stranger, GroupNumber);
        Assert.Null((await FirstAttemptAsync())["lastError"]);
        Assert.Single(_receiver.Arrived);

        _app = await _app.RestartAsync();
        _app.Settings.Remove(EventReceiver.AllowedNetworks);
        await _app.Provider().CallAsync(Stranger, GroupNumber);

        var refused = await WaitAsync(d => d.Count == 2 && d[0]!["attempts"]!.GetValue<int>() >= 1);
        Assert.Equal("refused: address not allowed", refused[0]!.Text("lastError"));
        Assert.Single(_receiver.Arrived);
    }

    [Fact]
    public async Task ReceiverThatRedirectsIsNotFollowed()
    {
        await StartAsync(allowLoopback: true);
        await using var elsewhere = EventReceiver.Down();
        await elsewhere.UpAsync();
        _receiver.RedirectTo = elsewhere.Url;
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url }));

        await _app.Provider().CallAsync(Stranger, GroupNumber);

        var delivery = await FirstAttemptAsync();
        Assert.Equal(307, delivery["lastStatusCode"]!.GetValue<int>());
        Assert.Equal("pending", delivery.Text("status"));
        Assert.Single(_receiver.Arrived);
        Assert.Empty(elsewhere.Arrived);
    }

    [Fact]
    public async Task ReceiverThatIsDownIsDescribedWithoutTheSocketsWords()
    {
        await StartAsync(allowLoopback: true);
        await _receiver.DownAsync();
        await TestOrganization.ReadAsync(
            await _org.Admin.PutAsJsonAsync($"{_org.Path}/call-events", new { url = _receiver.Url }));

        await _app.Provider().CallAsync(Stranger, GroupNumber);

        var error = (await FirstAttemptAsync()).Text("lastError");
        Assert.Equal("could not connect", error);
    }

    private async Task<JsonNode> FirstAttemptAsync() =>
        (await WaitAsync(d => d.Count == 1 && d[0]!["attempts"]!.GetValue<int>() >= 1))[0]!;

    private async Task<JsonArray> WaitAsync(Func<JsonArray, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var deliveries = (await _app.WithBearer(_org.AdminKey)
                .GetJsonAsync($"{_org.Path}/call-events/deliveries"))["items"]!.AsArray();
            if (done(deliveries))
            {
                return deliveries;
            }

            Assert.True(DateTime.UtcNow < deadline, $"timed out; deliveries now: {deliveries.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// DNS as the test plays it: each name answers what it was last told; any other name does not resolve.
    /// </summary>
    private sealed class PlayedDns : IHostResolver
    {
        private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

        public void Answer(string host, params IPAddress[] addresses) => _names[host] = addresses;

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
            host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
                ? new DnsHostResolver().ResolveAsync(host, ct)
                : _names.TryGetValue(host, out var addresses)
                    ? Task.FromResult(addresses)
                    : Task.FromException<IPAddress[]>(
                        new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound));
    }
}
